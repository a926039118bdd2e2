package dsys.core.clock;

/**
 * One node's Lamport clock and vector clock, advanced by the three rules of notes §5.2/§5.3:
 * tick on a local event, tick and stamp on send, merge-then-tick on receive.
 * Not thread-safe: a node's core runs on one thread.
 */
public final class LogicalClocks {

    private final String node;
    private long lamport;
    private VectorTime vector = VectorTime.ZERO;

    public LogicalClocks(String node) {
        this.node = node;
    }

    /** A local event (also what stamps a send). */
    public void tick() {
        lamport++;
        vector = vector.increment(node);
    }

    /** On receive: Lamport = max(local, sent) + 1; vector = max pointwise, then own entry + 1. */
    public void receive(long sentLamport, VectorTime sentVector) {
        lamport = Math.max(lamport, sentLamport) + 1;
        vector = vector.merge(sentVector).increment(node);
    }

    public long lamport() {
        return lamport;
    }

    public VectorTime vector() {
        return vector;
    }

    public LamportStamp stamp() {
        return new LamportStamp(lamport, node);
    }

    /** After a crash the node restarts from these (clocks are kept in durable storage by the host). */
    public void restore(long lamport, VectorTime vector) {
        this.lamport = lamport;
        this.vector = vector;
    }
}
