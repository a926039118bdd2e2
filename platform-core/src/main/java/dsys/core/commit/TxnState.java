package dsys.core.commit;

/**
 * The notes' states. Coordinator: INIT (logged, nothing sent) → WAIT (vote requests out) → [PRECOMMIT, 3PC] →
 * COMMIT | ABORT. Participant: INIT (no vote yet) → READY (voted vote-commit, logged) → [PRECOMMIT, 3PC] →
 * COMMIT | ABORT.
 */
public enum TxnState {
    INIT, WAIT, READY, PRECOMMIT, COMMIT, ABORT;

    public boolean decided() {
        return this == COMMIT || this == ABORT;
    }
}
