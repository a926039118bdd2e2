package dsys.kv.chain;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The tail's read lease (the holder's side): each tick the tail asks every replica, in its heartbeat, for a lease in
 * its epoch; once a majority (itself included) granted a round, the tail may answer reads alone until the round's
 * send time plus the lease's length, on its own clock. A grantor promises no later epoch while the lease may run
 * ({@link ViewAgreement#grant}), and a new view waits for every lease it may overlap, so while this lease runs no
 * other tail serves and no write is acknowledged that this tail has not applied.
 */
final class ReadLease {

    private final ChainTimings timings;
    private final int majority;
    private final Map<Long, Long> sentAt = new HashMap<>();
    private final Map<Long, Set<String>> grants = new HashMap<>();
    private long epoch = -1;
    private long round;
    private long until;

    ReadLease(ChainTimings timings, int majority) {
        this.timings = timings;
        this.majority = majority;
    }

    /** A new round for {@code epoch}, sent at {@code now}; its number goes into the heartbeats. */
    long ask(long epoch, long now) {
        if (epoch != this.epoch) reset(epoch);
        sentAt.put(++round, now);
        sentAt.remove(round - 8);
        grants.remove(round - 8);
        return round;
    }

    void granted(String from, long epoch, long round) {
        if (epoch != this.epoch || !sentAt.containsKey(round)) return;
        Set<String> g = grants.computeIfAbsent(round, r -> new HashSet<>());
        g.add(from);
        if (g.size() >= majority) {
            long end = sentAt.get(round) + timings.ms(timings.leaseMs());
            if (end - until > 0) until = end;
        }
    }

    /** Whether reads of {@code epoch} may be answered at {@code now}. */
    boolean holds(long epoch, long now) {
        return epoch == this.epoch && until - now > 0;
    }

    /** Gives the lease up (a new view, a promise): it is never used again. */
    void reset(long epoch) {
        this.epoch = epoch;
        sentAt.clear();
        grants.clear();
        until = Long.MIN_VALUE / 2;
    }
}
