package dsys.core.epidemic;

import dsys.core.clock.LamportStamp;
import dsys.core.env.Env;
import dsys.core.message.JsonBytes;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Anti-entropy (notes §4.4.2.1.1 反熵): every {@code antiEntropyPeriodMs} a replica picks a peer at random and the
 * two settle their differences. The initiator sends a digest (its version of every item it holds); the peer
 * answers with its newer updates (pull) and the keys it wants (push), and the initiator sends those. Dormant death
 * certificates are not offered, but a digest that shows an obsolete copy of a deleted item wakes one up, and it
 * goes back in the same answer.
 *
 * <p>A digest lists keys, so it is cut to the message budget ({@code maxBatchBytes}, estimated from above by
 * {@link #digestBytes}): a round covers a range of keys, the next round the range after it, and the rounds walk the
 * key space and wrap. A digest of every key stopped working at ~50,000 keys: 2.8 MB of JSON, more than a peer takes
 * in one message, so the transport dropped every one and anti-entropy never ran. The peer's pull answer covers the
 * same range only.
 */
public final class AntiEntropy {

    /** The round timer. */
    public record Tick() {
    }

    private final Env env;
    private final EpidemicSettings settings;
    private final Peers peers;
    private final EpidemicReplica replica;
    private final Consumer<Update> receive;  // the epidemic's way in for every update learned
    private final Consumer<Update> revived;  // a dormant certificate woke up
    private long rounds;
    private long started;
    private String cursor = ""; // where the next round's range starts

    AntiEntropy(Env env, EpidemicSettings settings, Peers peers, EpidemicReplica replica, Consumer<Update> receive,
                Consumer<Update> revived) {
        this.env = env;
        this.settings = settings;
        this.peers = peers;
        this.replica = replica;
        this.receive = receive;
        this.revived = revived;
    }

    /** The first round comes at a random point of a period, so replicas do not start their rounds in lockstep. */
    void start() {
        if (!settings.antiEntropy()) return;
        env.after(Duration.ofNanos(env.random().nextLong(settings.antiEntropyPeriodMs() * 1_000_000L) + 1), new Tick());
    }

    void onTick() {
        env.after(Duration.ofMillis(settings.antiEntropyPeriodMs()), new Tick());
        NodeId peer = peers.random(env.random());
        if (peer == null) return;
        String from = cursor;
        SortedMap<String, Update> rest = replica.items().tailMap(from);
        List<Update> covered = Batches.upTo(rest.values(), u -> digestBytes(u.key(), u.version()), settings.maxBatchBytes());
        String to = covered.isEmpty() ? null : Batches.after(rest, covered.get(covered.size() - 1).key());
        cursor = to == null ? "" : to;
        Map<String, LamportStamp> versions = new TreeMap<>();
        for (Update u : covered) versions.put(u.key(), u.version());
        env.send(peer, new EpidemicMessages.Digest(++started, settings.exchange(), from, to, versions));
    }

    /** An upper bound of one digest entry's JSON, {@code "key":{"time":T,"node":"N"},}. */
    static long digestBytes(String key, LamportStamp v) {
        return JsonBytes.string(key) + 2 + 19 + JsonBytes.number(v.time()) + JsonBytes.string(v.node());
    }

    void onDigest(NodeId from, EpidemicMessages.Digest d) {
        rounds++;
        long now = env.nanoTime();
        List<String> wanted = new ArrayList<>();
        for (Map.Entry<String, LamportStamp> e : d.versions().entrySet()) {
            Update woke = replica.reviveIfObsolete(e.getKey(), e.getValue(), now);
            if (woke != null) revived.accept(woke);
            Update mine = replica.get(e.getKey());
            Update dormant = replica.dormant(e.getKey());
            boolean theirsNewer = (mine == null || e.getValue().compareTo(mine.version()) > 0)
                    && (dormant == null || e.getValue().compareTo(dormant.version()) > 0);
            if (theirsNewer && d.exchange().pushes()) wanted.add(e.getKey());
        }
        List<Update> newer = new ArrayList<>();
        if (d.exchange().pulls()) {
            for (Update u : range(d.from(), d.to()).values()) {
                LamportStamp theirs = d.versions().get(u.key());
                if (theirs == null || u.version().compareTo(theirs) > 0) newer.add(u);
            }
        }
        List<Update> batch = Batches.upTo(newer, settings.maxBatchBytes());
        env.send(from, new EpidemicMessages.DigestReply(d.round(), batch, wanted, batch.size() < newer.size()));
    }

    /** This replica's items in {@code [from, to)}; a range a peer got backwards is empty. */
    private SortedMap<String, Update> range(String from, String to) {
        String f = from == null ? "" : from;
        if (to == null) return replica.items().tailMap(f);
        return f.compareTo(to) <= 0 ? replica.items().subMap(f, to) : Collections.emptySortedMap();
    }

    void onReply(NodeId from, EpidemicMessages.DigestReply r) {
        r.newer().forEach(receive);
        if (r.wanted().isEmpty()) return;
        List<Update> out = new ArrayList<>();
        for (String k : r.wanted()) {
            Update u = replica.get(k);
            if (u != null) out.add(u);
        }
        if (!out.isEmpty()) env.send(from, new EpidemicMessages.Updates(r.round(), Batches.upTo(out, settings.maxBatchBytes())));
    }

    void onUpdates(EpidemicMessages.Updates u) {
        u.updates().forEach(receive);
    }

    /** Exchanges this node answered (it was the peer). */
    long rounds() {
        return rounds;
    }

    /** Exchanges this node started. */
    long started() {
        return started;
    }
}
