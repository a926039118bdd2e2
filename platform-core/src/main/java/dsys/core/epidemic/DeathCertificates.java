package dsys.core.epidemic;

import dsys.core.clock.LamportStamp;
import dsys.core.env.Env;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Death certificates' lifetime (notes §4.4.3 死亡证明; Demers et al.): a certificate spreads like a value, and once
 * a node has held it for {@code certificateTtlMs} it drops it, so deleted keys do not cost space for ever. A few
 * keepers per key (the {@code dormantKeepers} replicas that rank highest by a hash of key and node, which every
 * node computes alike) keep it dormant instead: not offered to peers, but an obsolete copy of the item reaching a
 * keeper (by a rumor, an exchange or a peer's digest) wakes it up, and it spreads again and beats the copy
 * everywhere. So a replica that slept through the delete cannot bring the key back for good.
 *
 * <p>One change to Demers' scheme: a node that is no keeper drops an old certificate only once a keeper has
 * confirmed holding it (it pushes the certificate to the keepers as a rumor and waits for their feedback). With a
 * bare timeout, a delete made in a partition without keepers would expire there before the partition healed, and
 * the deleted value would come back. Dormant certificates are kept for ever (Demers' second, longer threshold is
 * left out: a keeper then never forgets a delete).
 */
public final class DeathCertificates {

    /** The sweep timer: runs when the oldest active certificate comes of age, and while drops await a keeper. */
    public record Sweep() {
    }

    private final Env env;
    private final EpidemicSettings settings;
    private final List<NodeId> replicas;
    private final EpidemicReplica replica;
    private final Map<String, LamportStamp> confirmed = new TreeMap<>(); // a keeper holds this version or newer
    private boolean sweepPending;
    private long expired;

    DeathCertificates(Env env, EpidemicSettings settings, List<NodeId> replicas, EpidemicReplica replica) {
        this.env = env;
        this.settings = settings;
        this.replicas = replicas;
        this.replica = replica;
    }

    /** The replicas that keep {@code key}'s certificates dormant: the top {@code r} by rendezvous hashing. */
    public static List<NodeId> keepers(String key, List<NodeId> replicas, int r) {
        record Ranked(long rank, NodeId node) {
        }
        List<Ranked> ranked = new ArrayList<>(replicas.size());
        for (NodeId n : replicas) ranked.add(new Ranked(rank(key, n), n)); // one hash per node, not per comparison
        ranked.sort(Comparator.comparingLong(Ranked::rank).reversed().thenComparing(Ranked::node));
        return ranked.stream().limit(r).map(Ranked::node).toList();
    }

    public boolean keeps(String key) {
        return keepers(key).contains(env.self());
    }

    private List<NodeId> keepers(String key) {
        return keepers(key, replicas, settings.dormantKeepers());
    }

    /** A certificate became active here: make sure a sweep will come. */
    void learned() {
        Long oldest = replica.oldestCertificate();
        if (oldest == null) return;
        schedule(Math.max(0, oldest + ttl() - env.nanoTime()));
    }

    /** Feedback from {@code from}: if it keeps these keys, they are safe to drop here. */
    void onFeedback(NodeId from, Map<String, LamportStamp> known) {
        known.forEach((key, version) -> {
            Update held = replica.get(key);
            if (held == null || !held.deathCertificate()) return; // only a certificate here waits for a keeper
            if (keepers(key).contains(from)) confirmed.merge(key, version, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        });
    }

    void onSweep() {
        sweepPending = false;
        int dropped = 0;
        boolean waiting = false;
        for (Update u : replica.expired(env.nanoTime(), ttl())) {
            LamportStamp ok = confirmed.get(u.key());
            if (keeps(u.key()) || ok != null && ok.compareTo(u.version()) >= 0) {
                replica.retire(u, keeps(u.key()));
                confirmed.remove(u.key());
                dropped++;
            } else {
                waiting = true;
                for (NodeId k : keepers(u.key())) env.send(k, new EpidemicMessages.Rumor(List.of(u)));
            }
        }
        if (dropped > 0) {
            expired += dropped;
            env.emit("epidemic.certificates-expired", Map.of("count", dropped, "dormant", replica.dormantCertificates()));
        }
        if (waiting) schedule(askAgainMs() * 1_000_000L);
        else learned();
    }

    /** How soon to ask the keepers again: a few rounds, but never more than a quarter of the lifetime. */
    private long askAgainMs() {
        long rounds = 4 * Math.max(settings.rumorPeriodMs(), settings.antiEntropyPeriodMs());
        return Math.max(1, Math.min(settings.certificateTtlMs() / 4, rounds == 0 ? Long.MAX_VALUE : rounds));
    }

    long expired() {
        return expired;
    }

    private void schedule(long nanos) {
        if (sweepPending) return;
        sweepPending = true;
        env.after(Duration.ofNanos(nanos), new Sweep());
    }

    private long ttl() {
        return settings.certificateTtlMs() * 1_000_000L;
    }

    /** FNV-1a over key and node, then mixed: stable across JVMs (no hashCode of objects). */
    private static long rank(String key, NodeId node) {
        long h = 0xcbf29ce484222325L;
        String s = key + '\u0000' + node.value();
        for (int i = 0; i < s.length(); i++) h = (h ^ s.charAt(i)) * 0x100000001b3L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }
}
