package dsys.lock.lease;

/**
 * Fencing tokens are one long, packed so that their natural order is the order of grants:
 * {@code epoch (20 bits) | sequence (37 bits) | node index (6 bits)}.
 * <ul>
 *   <li>epoch: the lock service's epoch, agreed by a majority and durable; it grows on every coordinator
 *       fail-over, token regeneration, membership change and algorithm switch, so every grant of a later
 *       epoch beats every grant of an earlier one;</li>
 *   <li>sequence: strictly increasing within an epoch for one lock (coordinator counter, Ricart–Agrawala
 *       request stamp, token-ring counter carried in the token);</li>
 *   <li>node: the index of the node that acts for the client (lets any node route renew/release to it).</li>
 * </ul>
 */
public final class Fencing {

    static final int NODE_BITS = 6;
    static final int SEQ_BITS = 37;
    static final int EPOCH_BITS = 20;
    public static final long MAX_EPOCH = (1L << EPOCH_BITS) - 1;
    public static final long MAX_SEQ = (1L << SEQ_BITS) - 1;
    public static final int MAX_NODE = (1 << NODE_BITS) - 1;

    private Fencing() {
    }

    public static long token(long epoch, long seq, int node) {
        if (epoch < 0 || epoch > MAX_EPOCH) throw new IllegalArgumentException("epoch out of range: " + epoch);
        if (seq < 0 || seq > MAX_SEQ) throw new IllegalArgumentException("sequence out of range: " + seq);
        if (node < 0 || node > MAX_NODE) throw new IllegalArgumentException("node index out of range: " + node);
        return (epoch << (SEQ_BITS + NODE_BITS)) | (seq << NODE_BITS) | node;
    }

    public static long epoch(long token) {
        return token >>> (SEQ_BITS + NODE_BITS);
    }

    public static long seq(long token) {
        return (token >>> NODE_BITS) & MAX_SEQ;
    }

    public static int node(long token) {
        return (int) (token & MAX_NODE);
    }
}
