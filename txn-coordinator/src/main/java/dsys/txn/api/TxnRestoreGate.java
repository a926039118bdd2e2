package dsys.txn.api;

import dsys.platform.checkpoint.RestoreGate;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transactions and restores exclude each other: a restore is refused while a transaction is being run or is not
 * ended in the coordinator's log (its locks and intents would be rolled back at some participants only), and a
 * transaction that arrives during a restore is refused (503) until it has ended. A begin counts itself in before
 * it looks at the gate and a restore closes the gate before it counts, so one of the two always sees the other.
 */
final class TxnRestoreGate implements RestoreGate {

    private final java.util.function.IntSupplier notEnded;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger running = new AtomicInteger();

    /** {@code notEnded}: how many transactions the coordinator's log holds not ended. */
    TxnRestoreGate(java.util.function.IntSupplier notEnded) {
        this.notEnded = notEnded;
    }

    /** False while a restore runs; on true the caller must {@link #leave()} once its transaction is answered. */
    boolean enter() {
        running.incrementAndGet();
        if (!closed.get()) return true;
        running.decrementAndGet();
        return false;
    }

    void leave() {
        running.decrementAndGet();
    }

    @Override
    public String close() {
        if (!closed.compareAndSet(false, true)) return "another restore is running";
        int now = running.get();
        int open = notEnded.getAsInt();
        if (now == 0 && open == 0) return null;
        closed.set(false);
        return now + " transaction(s) being run and " + open + " not ended in the coordinator's log";
    }

    @Override
    public void open() {
        closed.set(false);
    }
}
