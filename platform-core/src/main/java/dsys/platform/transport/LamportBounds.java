package dsys.platform.transport;

import dsys.core.message.Envelope;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logical times no honest peer sends, refused before they reach the clocks (a receiver takes the max of its clock
 * and the sender's: one absurd value would stay with it for good, and near Long.MAX_VALUE the +1 wraps negative).
 * <ul>
 * <li>a Lamport time below 0 or above {@link #MAX} (2^53: far beyond any run, and still exact as a number in the
 * JavaScript that reads events);</li>
 * <li>more than {@link #MAX_AHEAD} (2^40, ~10^12) ahead of the newest Lamport time this node has accepted from any
 * peer. Honest peers differ by what the receiver missed; a node that restarts from 0 while its peers go on at 100,000
 * events a second would need four months to fall that far behind;</li>
 * <li>a vector entry below 0 or above the envelope's own Lamport time: both clocks tick on the same events, so an
 * entry (events of one node in the causal past) never exceeds the length of the longest chain there.</li>
 * </ul>
 */
final class LamportBounds {

    static final long MAX = 1L << 53;
    static final long MAX_AHEAD = 1L << 40;

    private final AtomicLong newest = new AtomicLong();

    /** Fails on the first envelope out of bounds; nothing of the batch counts then. */
    void check(List<MessageBatch.Received> batch) throws PeerRefusal {
        long horizon = newest.get() + MAX_AHEAD;
        for (MessageBatch.Received r : batch) {
            Envelope e = r.envelope();
            long l = e.lamport();
            if (l < 0 || l > MAX || l > horizon) {
                throw new PeerRefusal(PeerRefusal.Reason.CLOCK, "message " + e.id() + " carries Lamport time " + l
                        + "; accepted: 0.." + Math.min(MAX, horizon) + " (at most 2^40 ahead of the newest seen here)");
            }
            for (var entry : e.vector().entries().entrySet()) {
                if (entry.getValue() < 0 || entry.getValue() > l) {
                    throw new PeerRefusal(PeerRefusal.Reason.CLOCK, "message " + e.id() + " has vector entry "
                            + entry.getKey() + "=" + entry.getValue() + " outside 0..its Lamport time " + l);
                }
            }
        }
    }

    /** After a batch was delivered: its times move the horizon on. */
    void accepted(List<MessageBatch.Received> batch) {
        long max = 0;
        for (MessageBatch.Received r : batch) max = Math.max(max, r.envelope().lamport());
        newest.accumulateAndGet(max, Math::max);
    }
}
