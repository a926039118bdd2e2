package dsys.lock.quorum;

import dsys.core.node.NodeId;

import java.util.HashMap;
import java.util.Map;

/**
 * Heartbeat failure detector plus the "connected" test every grant and renewal must pass.
 * <p>
 * Connected at {@code now} in epoch {@code e} means: a majority of the configured nodes (self included) heard
 * this node after {@code now - freshMs}, each in epoch {@code e} with no newer promise. A takeover needs a
 * majority of promises, so once it commits at least one of those nodes no longer acks epoch {@code e}: the old
 * epoch stops granting within {@code freshMs} of the commit (the grace period covers that, plus a lease).
 */
public final class Connectivity {

    private final NodeId self;
    private final int universe;
    private final long suspectNanos;
    private final long freshNanos;
    private final Map<NodeId, Long> lastHeard = new HashMap<>();
    private final Map<NodeId, Long> echo = new HashMap<>();
    private final Map<NodeId, Long> theirSent = new HashMap<>();
    private long startNanos;

    public Connectivity(NodeId self, int universe, long suspectMs, long freshMs) {
        this.self = self;
        this.universe = universe;
        this.suspectNanos = suspectMs * 1_000_000L;
        this.freshNanos = freshMs * 1_000_000L;
    }

    /** Everybody counts as alive for one suspicion timeout after start. */
    public void start(long now) {
        startNanos = now;
        lastHeard.clear();
        echo.clear();
        theirSent.clear();
    }

    public void heard(NodeId from, long now) {
        lastHeard.merge(from, now, Math::max);
    }

    public void onHeartbeat(NodeId from, QuorumMessages.Heartbeat hb, long myEpoch, long now) {
        heard(from, now);
        theirSent.merge(from, hb.sentNanos(), Math::max);
        if (hb.current() == myEpoch && hb.promised() == myEpoch && hb.echoNanos() > 0) {
            echo.merge(from, hb.echoNanos(), Math::max);
        }
    }

    /** What to echo back to {@code peer}: the latest send time it told us. */
    public long echoFor(NodeId peer) {
        return theirSent.getOrDefault(peer, 0L);
    }

    /** Acks from an older epoch say nothing about the new one. */
    public void epochChanged() {
        echo.clear();
    }

    public boolean suspected(NodeId n, long now) {
        if (n.equals(self)) return false;
        long heard = Math.max(startNanos, lastHeard.getOrDefault(n, Long.MIN_VALUE));
        return now - heard > suspectNanos;
    }

    public boolean connected(long now) {
        int count = 1;
        for (var e : echo.entrySet()) {
            if (now - e.getValue() <= freshNanos) count++;
        }
        return count * 2 > universe;
    }

}
