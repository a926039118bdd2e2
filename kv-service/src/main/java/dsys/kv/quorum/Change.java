package dsys.kv.quorum;

/**
 * The function a CASPaxos round applies to the register: a put or delete under an optional precondition
 * (If-Match), or the identity (a read that has to make what it saw chosen, an anti-entropy repair).
 */
record Change(Kind kind, String value, Ballot ifMatch, Versioned.Lock lock, Derivation derivation, Change prior) {

    /** LOCK takes a transaction's lock (with its intent); RELEASE ends it: applies the intent, or drops it. */
    enum Kind { PUT, DELETE, READ, REPAIR, LOCK, RELEASE }

    Change(Kind kind, String value, Ballot ifMatch) {
        this(kind, value, ifMatch, null, null, null);
    }

    Change(Kind kind, String value, Ballot ifMatch, Versioned.Lock lock, Derivation derivation) {
        this(kind, value, ifMatch, lock, derivation, null);
    }

    /**
     * This lock after {@code release} in the same round: the release applies first (when its transaction still holds
     * the key), and this change is judged on what it leaves ({@link #base}). A participant's deferred release rides
     * on the key's next lock this way instead of costing a round of its own.
     */
    Change afterRelease(Change release) {
        if (kind != Kind.LOCK || release.kind != Kind.RELEASE) throw new IllegalArgumentException("a release, then a lock");
        return new Change(kind, value, ifMatch, lock, derivation, release);
    }

    /**
     * The register this change is judged on and applied to: {@code current} after the release it carries, made at
     * {@code ballot} (its commit's value then has that version); {@code current} itself when it carries none or that
     * release's transaction no longer holds the key.
     *
     * <p>The release is recorded as a write of its own, {@link #releaseOf(String) op + "+release"}, not as {@code op}:
     * a round in which the release went and the lock was refused must not be found by the operation's next round as
     * "an earlier round of ours" (which answers it written). It was, and a transfer voted vote-commit holding one of
     * its two keys: the bank workload lost and created money under kill and partition.
     */
    Versioned base(Versioned current, Ballot ballot, String op) {
        return prior == null ? current : prior.apply(current, ballot, releaseOf(op));
    }

    /** The name the release a change carries is recorded under in the register's recent writes. */
    static String releaseOf(String op) {
        return op + "+release";
    }

    static Change put(String value, Ballot ifMatch) {
        return new Change(Kind.PUT, value, ifMatch);
    }

    static Change delete(Ballot ifMatch) {
        return new Change(Kind.DELETE, null, ifMatch);
    }

    static Change read() {
        return new Change(Kind.READ, null, null);
    }

    static Change repair() {
        return new Change(Kind.REPAIR, null, null);
    }

    /** Take {@code lock} for its transaction if the key is not locked by another and If-Match holds. */
    static Change lock(Versioned.Lock lock, Ballot ifMatch) {
        return new Change(Kind.LOCK, null, ifMatch, lock, null);
    }

    /** Take a put's lock for {@code txn} whose intent {@code derivation} computes from the current value. */
    static Change lockDerived(String txn, Derivation derivation, Ballot ifMatch) {
        return new Change(Kind.LOCK, null, ifMatch, new Versioned.Lock(txn, 'p', null), derivation);
    }

    /** End transaction {@code txn}'s lock: {@code commit} applies its intent; a key it does not lock is left alone. */
    static Change release(String txn, boolean commit) {
        return new Change(Kind.RELEASE, commit ? "commit" : "abort", null, new Versioned.Lock(txn, 'g', null), null);
    }

    boolean writes() {
        return kind == Kind.PUT || kind == Kind.DELETE || kind == Kind.LOCK || kind == Kind.RELEASE;
    }

    /** If-Match (absent for ZERO, else exactly this version of a present value; none when null), and the locks. */
    boolean holds(Versioned current) {
        if (blockedBy(current)) return false;
        if (kind == Kind.RELEASE) return current.lock() != null && current.lock().heldBy(lock.txn());
        return holdsVersion(current) && refusal(current) == null;
    }

    /** If-Match alone: absent for ZERO, else exactly this version of a present value; none when null. */
    boolean holdsVersion(Versioned current) {
        if (ifMatch == null) return true;
        return ifMatch.zero() ? !current.present() : current.present() && current.version().equals(ifMatch);
    }

    /** Why the derivation refuses {@code current} (null: it does not, or there is none). */
    String refusal(Versioned current) {
        return derivation == null ? null : derive(current).refusal();
    }

    private Derivation.Derived derive(Versioned current) {
        return derivation.derive(current.present() ? current.value() : null);
    }

    /**
     * Whether another transaction's lock stands in the way: a plain write on any lock; a lock on another's, except a
     * read lock beside other readers (shared), or a write lock of this transaction's own sole read lock (an upgrade).
     */
    boolean blockedBy(Versioned current) {
        Versioned.Lock held = current.lock();
        if (held == null) return false;
        return switch (kind) {
            case PUT, DELETE -> true;
            case LOCK -> held.writes() ? !held.txn().equals(lock.txn())
                    : lock.kind() != 'g' && !held.holders().equals(java.util.List.of(lock.txn()));
            case READ -> held.writes();
            default -> false;
        };
    }

    /** The register after this change at {@code ballot}, made by operation {@code op}. */
    Versioned apply(Versioned current, Ballot ballot, String op) {
        if (!writes() || !holds(current)) return current;
        return switch (kind) {
            case LOCK -> current.locked(lockAfter(current.lock(), current), ballot, op);
            case RELEASE -> value.equals("commit") && current.lock().writes()
                    ? current.next(ballot, current.lock().kind() == 'p' ? current.lock().intent() : null, op)
                    : current.locked(current.lock().writes() ? null : current.lock().without(lock.txn()), ballot, op);
            default -> current.next(ballot, value, op);
        };
    }

    /** The lock a LOCK leaves: a reader joins a read lock; a transaction that writes the key keeps its write lock. */
    private Versioned.Lock lockAfter(Versioned.Lock held, Versioned current) {
        if (lock.kind() == 'g' && held != null) return held.writes() ? held : held.withReader(lock.txn());
        return derivation == null ? lock : new Versioned.Lock(lock.txn(), 'p', derive(current).intent());
    }

    /** The name the counters and events use: put, cas, delete, read, repair. */
    String label() {
        if (kind == Kind.RELEASE) return value.equals("commit") ? "txn-commit" : "txn-abort";
        if (kind == Kind.LOCK) return "txn-lock";
        return kind == Kind.PUT && ifMatch != null ? "cas" : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
