package dsys.platform.checkpoint;

/**
 * What must be quiet while a global checkpoint is restored. A restore is backward recovery: every participant's
 * state goes back to the checkpoint, so work in flight during it would survive at some participants and not at
 * others. The service that hosts the initiator (txn-coordinator) closes the gate before the restore, refusing it
 * while work is in flight, and new work is refused until the restore has ended.
 */
public interface RestoreGate {

    /** Null when closed (no new work from now on), or why not (the gate stays open). */
    String close();

    void open();

    RestoreGate NONE = new RestoreGate() {
        @Override
        public String close() {
            return null;
        }

        @Override
        public void open() {
        }
    };
}
