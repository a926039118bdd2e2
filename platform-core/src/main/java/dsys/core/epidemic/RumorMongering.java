package dsys.core.epidemic;

import dsys.core.clock.LamportStamp;
import dsys.core.env.Env;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Rumor mongering (notes §4.4.2.1.2 Gossip; Demers' push with feedback and coin): a node that learns an update
 * holds it as a hot rumor and, every {@code rumorPeriodMs}, pushes its hot rumors to one peer chosen at random. The
 * peer answers which of them it already knew; for each, the pusher loses interest with probability 1/k. A rumor
 * the peer did not know makes the peer a pusher too. A lost push gets no feedback and is simply tried again. What
 * rumor mongering leaves out (the residue, s = e^{-(k+1)(1-s)} of the nodes) is anti-entropy's job.
 *
 * <p>A push carries the hot rumors that fit in a message. When more are hot, the next push starts after the last
 * key the previous one carried (and wraps), so every hot rumor gets its turn: taken from the first key each time,
 * rumors late in key order waited while earlier keys were written again and again, and stayed hot.
 */
public final class RumorMongering {

    /** The push timer, pending only while there are hot rumors. */
    public record Tick() {
    }

    private final Env env;
    private final EpidemicSettings settings;
    private final Peers peers;
    private final TreeMap<String, Update> hot = new TreeMap<>();
    private boolean tickPending;
    private String cursor = ""; // where the next push's batch starts
    private long pushes;
    private long lostInterest;

    RumorMongering(Env env, EpidemicSettings settings, Peers peers) {
        this.env = env;
        this.settings = settings;
        this.peers = peers;
    }

    /** {@code u} is news here: spread it (a newer rumor of the same key replaces an older one). */
    void spread(Update u) {
        if (!settings.rumorMongering()) return;
        Update h = hot.get(u.key());
        if (h != null && !u.supersedes(h)) return;
        hot.put(u.key(), u);
        if (!tickPending) {
            tickPending = true;
            // the first push waits a random part of a period, so nodes infected together do not push in lockstep
            env.after(Duration.ofNanos(env.random().nextLong(settings.rumorPeriodMs() * 1_000_000L) + 1), new Tick());
        }
    }

    void onTick() {
        tickPending = false;
        if (hot.isEmpty()) return;
        NodeId peer = peers.random(env.random());
        if (peer == null) {
            hot.clear(); // alone: nobody to tell
            return;
        }
        List<Update> batch = Batches.upTo(fromCursor(), settings.maxBatchBytes());
        String next = batch.size() == hot.size() ? null : Batches.after(hot, batch.get(batch.size() - 1).key());
        cursor = next == null ? "" : next;
        env.send(peer, new EpidemicMessages.Rumor(batch));
        pushes++;
        tickPending = true;
        env.after(Duration.ofMillis(settings.rumorPeriodMs()), new Tick());
    }

    /** The hot rumors from the cursor to the last key, then from the first key up to the cursor (not copied). */
    private Iterable<Update> fromCursor() {
        return () -> Stream.concat(hot.tailMap(cursor).values().stream(), hot.headMap(cursor).values().stream()).iterator();
    }

    /** The peer already knew these versions: lose interest in each such rumor with probability 1/k. */
    void onFeedback(EpidemicMessages.RumorFeedback f) {
        for (Map.Entry<String, LamportStamp> e : f.known().entrySet()) {
            Update h = hot.get(e.getKey());
            if (h == null) continue;
            int c = e.getValue().compareTo(h.version());
            // a newer version there makes ours stale: drop it at once; the same one: toss the coin
            if (c > 0 || c == 0 && env.random().nextInt(settings.lossOfInterest()) == 0) {
                hot.remove(e.getKey());
                lostInterest++;
            }
        }
    }

    /** Hot rumors, by key (a copy). */
    public List<Update> hot() {
        return List.copyOf(hot.values());
    }

    public boolean active() {
        return !hot.isEmpty();
    }

    long pushes() {
        return pushes;
    }

    long lostInterest() {
        return lostInterest;
    }
}
