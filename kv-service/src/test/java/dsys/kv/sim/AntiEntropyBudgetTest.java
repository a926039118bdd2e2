package dsys.kv.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.event.Event;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumMessages.DigestDiff;
import dsys.kv.quorum.QuorumMessages.DigestOffer;
import dsys.kv.quorum.QuorumMessages.EntrySummary;
import dsys.kv.quorum.QuorumMessages.Learn;
import dsys.kv.quorum.QuorumMessages.Want;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.QuorumStore;
import dsys.kv.quorum.ReadLevel;
import dsys.platform.transport.DsysJacksonModule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anti-entropy under a tiny byte budget (4 KiB, 64 buckets): a replica that missed hundreds of writes and deletes
 * catches up over several rounds with messages that each stay within the budget (measured as the transport's JSON,
 * by Jackson, not by the core's estimate), and tombstones are still collected only once no replica holds an older
 * state of their key, although each diff now lists the entries of only some of the differing buckets.
 * {@code -Ddsys.seeds=N} for more, {@code -Ddsys.seed=S} to replay.
 */
class AntiEntropyBudgetTest {

    private static final int BUDGET = 4096;
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new DsysJacksonModule());
    private static final QuorumSettings TINY = QuorumSettings.sim().withBuckets(64).withMaxTransferBytes(BUDGET);

    /** Every anti-entropy message sent, with its size as the transport would write it. */
    private record Sent(NodeId from, Message m, int bytes) {
    }

    @Test
    void aReplicaFarBehindCatchesUpInMessagesWithinTheBudget() {
        Map<String, Integer> totals = new TreeMap<>();
        Seeds.run("catch-up within the budget", 6, seed -> catchUp(seed).forEach((k, v) -> totals.merge(k, v, Integer::sum)));
        System.out.println("anti-entropy within the budget: " + totals);
        assertThat(totals.get("truncated diffs")).as("diffs that covered only some differing buckets").isPositive();
        assertThat(totals.get("rounds with several learns")).as("pushes split into several messages").isPositive();
    }

    /**
     * A diff's requests never pass the budget when the diff kept to it (a request lists fewer bytes per key than the
     * diff did), so this one comes from a node that lists every entry of every differing bucket at once (no
     * {@code covered}: as before budgets).
     */
    @Test
    void theRequestsForAnUnboundedDiffGoInSeveralMessages() {
        KvSim kv = new KvSim(9, 3, Configurations.MAJORITY_3.config, TINY);
        NodeId kv1 = kv.node(1), kv2 = kv.node(2), kv3 = kv.node(3);
        kv.sim.network().partition(List.of(kv3), List.of(kv1, kv2));
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < 300; i++) kv.written(kv.put(kv1, key(i), value(rnd, 20)));
        kv.sim.runFor(Duration.ofMillis(50)); // the last commits arrive
        List<Sent> sent = tap(kv);
        List<EntrySummary> all = new ArrayList<>();
        kv.store(kv1).replicaEntries().forEach((k, s) -> all.add(new EntrySummary(k, s.accepted(), s.committed(), false)));
        List<Integer> buckets = java.util.stream.IntStream.range(0, TINY.buckets()).boxed().toList();
        DigestDiff unbounded = new DigestDiff(999, buckets, null, all, Ballot.ZERO);
        assertThat(jsonBytes(unbounded)).isGreaterThan(4 * BUDGET);
        kv.store(kv3).onMessage(kv1, unbounded);
        List<Sent> wants = sent.stream().filter(s -> s.m() instanceof Want w && w.round() == 999).toList();
        assertThat(wants).as("requests for 300 keys").hasSizeGreaterThan(1)
                .allSatisfy(s -> assertThat(s.bytes()).isLessThanOrEqualTo(BUDGET));
        assertThat(wants.stream().mapToInt(s -> ((Want) s.m()).keys().size()).sum()).isEqualTo(300);
        kv.sim.network().heal();
        assertThat(kv.sim.runUntil(kv::converged, Duration.ofSeconds(10))).as("%s", kv.replicaData()).isTrue();
    }

    private Map<String, Integer> catchUp(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        KvSim kv = new KvSim(seed, 3, Configurations.MAJORITY_3.config, TINY);
        List<Sent> sent = tap(kv);
        NodeId kv1 = kv.node(1), kv2 = kv.node(2), kv3 = kv.node(3);
        Map<String, String> expected = new TreeMap<>(); // key → value, null: deleted
        for (int i = 0; i < 360; i++) { // kv-3 holds these, then misses their new values and deletes
            String key = key(i);
            kv.written(kv.put(kv.nodes.get(i % 3), key, value(rnd, rnd.nextInt(100))));
            expected.put(key, null);
        }
        kv.sim.runFor(Duration.ofMillis(500));
        boolean crash = seed % 2 == 0;
        if (crash) kv.sim.crash(kv3);
        else kv.sim.network().partition(List.of(kv3), List.of(kv1, kv2));
        for (int i = 0; i < 480; i++) {
            String key = key(i);
            String value = value(rnd, i == 7 ? 3 * BUDGET : rnd.nextInt(300)); // one value larger than the budget
            kv.written(kv.put(i % 2 == 0 ? kv1 : kv2, key, value));
            expected.put(key, value);
        }
        for (String key : List.copyOf(expected.keySet())) {
            if (rnd.nextInt(4) == 0 && expected.get(key).length() <= BUDGET) {
                kv.written(kv.delete(kv1, key));
                expected.put(key, null);
            }
        }
        long fullDiff = kv.store(kv1).replicaEntries().keySet().stream().mapToLong(k -> 60 + k.length()).sum();
        assertThat(fullDiff).as("one diff of everything would be far over the budget").isGreaterThan(8L * BUDGET);
        int before = kv.sim.events().size();
        if (crash) kv.sim.restart(kv3);
        else kv.sim.network().heal();

        assertThat(kv.sim.runUntil(kv::converged, Duration.ofSeconds(20))).as("did not converge: %s", kv.replicaData()).isTrue();
        List<Event> rounds = kv.sim.events().subList(before, kv.sim.events().size()).stream()
                .filter(e -> e.kind().equals("kv.antientropy")).toList();
        long moved = rounds.stream().filter(e -> (Integer) e.fields().get("pushed") + (Integer) e.fields().get("wanted") > 0).count();
        assertThat(moved).as("rounds that moved states after healing").isGreaterThan(3);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            AcceptorState s = kv.store(kv3).replicaState(e.getKey());
            assertThat(s.committed()).as("kv-3 holds %s chosen", e.getKey()).isTrue();
            assertThat(s.content().value()).as("kv-3's %s", e.getKey()).isEqualTo(e.getValue());
            assertThat(s.content().tombstone()).isEqualTo(e.getValue() == null);
        }
        for (Sent s : sent) {
            boolean single = s.m() instanceof Learn l && l.states().size() == 1;
            assertThat(s.bytes() <= BUDGET || single)
                    .as("%s from %s is %d bytes of JSON, over the budget of %d", s.m().getClass().getSimpleName(),
                            s.from(), s.bytes(), BUDGET).isTrue();
        }
        assertThat(sent.stream().anyMatch(s -> s.bytes() > BUDGET)).as("the value over the budget went alone").isTrue();
        statsMatch(kv, sent, crash ? List.of(kv1, kv2) : kv.nodes); // a restart starts kv-3's counters afresh

        Map<String, Integer> out = new TreeMap<>();
        out.put("rounds after healing", rounds.size());
        out.put("rounds that moved states", (int) moved);
        out.put("truncated diffs", (int) sent.stream().filter(s -> s.m() instanceof DigestDiff d
                && d.covered().size() < d.differing().size()).count());
        out.put("rounds with several learns", severalPerRound(sent, Learn.class));
        out.put("messages", sent.size());
        return out;
    }

    @Test
    void tombstonesAreCollectedOnlyWhereNoReplicaHoldsAnOlderStateAndDeletedKeysStayDeleted() {
        Map<String, Integer> totals = new TreeMap<>();
        Seeds.run("tombstones with truncated diffs", 40, seed -> tombstones(seed).forEach((k, v) -> totals.merge(k, v, Integer::sum)));
        System.out.println("tombstones with truncated diffs: " + totals);
        assertThat(totals.get("collected")).as("tombstones collected").isPositive();
        assertThat(totals.get("truncated diffs")).as("diffs that covered only some differing buckets").isPositive();
    }

    private Map<String, Integer> tombstones(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 7 + 1);
        KvSim kv = new KvSim(seed, 3, Configurations.MAJORITY_3.config, TINY.withTombstoneHorizonMs(100 + rnd.nextInt(200)));
        kv.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(2 + rnd.nextInt(8)))
                .loss(rnd.nextDouble(0.05)).duplicate(rnd.nextDouble(0.05)).reorder(0.1, Duration.ofMillis(8));
        List<Sent> sent = tap(kv);
        int[] collected = {0};
        kv.sim.addSink(e -> {
            if (!e.kind().equals("kv.tombstone.collected")) return;
            collected[0]++;
            String key = (String) e.fields().get("key");
            Ballot version = Ballot.parse((String) e.fields().get("version"));
            for (NodeId n : kv.nodes) {
                AcceptorState s = QuorumStore.stored(kv.sim.storage(n), kv.config.name(), key);
                assertThat(s.accepted().zero() || !s.content().version().isBefore(version))
                        .as("%s collected %s's tombstone %s while %s holds %s", e.node(), key, version, n, s).isTrue();
            }
        });
        NodeId lagging = kv.nodes.get(rnd.nextInt(3));
        List<NodeId> others = kv.nodes.stream().filter(n -> !n.equals(lagging)).toList();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String key = key(i);
            keys.add(key);
            until(kv, () -> kv.put(kv.nodes.get(rnd.nextInt(3)), key, value(rnd, rnd.nextInt(100))));
        }
        kv.sim.runFor(Duration.ofMillis(50 + rnd.nextInt(300))); // the replicas catch up on what they missed, or not
        boolean crash = rnd.nextBoolean();
        if (crash) kv.sim.crash(lagging);
        else kv.sim.network().partition(List.of(lagging), others);
        List<String> deleted = new ArrayList<>();
        for (String key : keys) {
            if (rnd.nextInt(3) > 0) continue;
            until(kv, () -> kv.delete(others.get(rnd.nextInt(2)), key));
            deleted.add(key);
        }
        kv.sim.runFor(Duration.ofMillis(400 + rnd.nextInt(400))); // past the horizon, the lagging replica still away
        if (crash) kv.sim.restart(lagging);
        else kv.sim.network().heal();
        assertThat(kv.sim.runUntil(kv::converged, Duration.ofSeconds(30))).as("did not converge: %s", kv.replicaData()).isTrue();
        for (String key : deleted) {
            for (NodeId n : kv.nodes) {
                AcceptorState s = kv.store(n).replicaState(key);
                assertThat(s.accepted().zero() || s.content().tombstone()).as("%s's %s came back: %s", n, key, s).isTrue();
            }
            KvReplies.Value v = kv.value(kv.get(lagging, key, ReadLevel.LINEARIZABLE));
            assertThat(v.found()).as("%s read through %s", key, lagging).isFalse();
        }
        Map<String, Integer> out = new TreeMap<>();
        out.put("collected", collected[0]);
        out.put("deleted", deleted.size());
        out.put("truncated diffs", (int) sent.stream().filter(s -> s.m() instanceof DigestDiff d
                && d.covered().size() < d.differing().size()).count());
        return out;
    }

    /** Records every anti-entropy message as it is sent, sized by Jackson as the HTTP transport writes it. */
    private static List<Sent> tap(KvSim kv) {
        List<Sent> sent = new ArrayList<>();
        kv.onSend((from, to, m) -> {
            if (m instanceof DigestOffer || m instanceof DigestDiff || m instanceof Learn || m instanceof Want) {
                sent.add(new Sent(from, m, jsonBytes(m)));
            }
        });
        return sent;
    }

    private static int jsonBytes(Message m) {
        try {
            return JSON.writeValueAsBytes(m).length;
        } catch (JsonProcessingException e) {
            throw new AssertionError("cannot write " + m, e);
        }
    }

    /** The nodes' counters of anti-entropy agree with what they were seen to send (bytes: an estimate from above). */
    private static void statsMatch(KvSim kv, List<Sent> sent, List<NodeId> nodes) {
        Map<NodeId, long[]> seen = new HashMap<>();
        for (Sent s : sent) {
            long[] c = seen.computeIfAbsent(s.from(), n -> new long[2]);
            c[0]++;
            c[1] += s.bytes();
        }
        for (NodeId n : nodes) {
            Map<String, Long> counts = kv.store(n).stats().counts();
            long[] c = seen.getOrDefault(n, new long[2]);
            long messages = counts.getOrDefault("antientropy.messages", 0L), bytes = counts.getOrDefault("antientropy.bytes", 0L);
            assertThat(messages).as("%s's anti-entropy messages", n).isEqualTo(c[0]);
            assertThat(bytes).as("%s's anti-entropy bytes", n).isBetween(c[1], 2 * c[1]);
        }
    }

    /** Rounds (a peer's round number at one sender) that took more than one message of {@code type}. */
    private static int severalPerRound(List<Sent> sent, Class<? extends Message> type) {
        Map<String, Integer> perRound = new HashMap<>();
        for (Sent s : sent) {
            if (!type.isInstance(s.m())) continue;
            long round = s.m() instanceof Learn l ? l.round() : ((Want) s.m()).round();
            perRound.merge(s.from() + "/" + round, 1, Integer::sum);
        }
        return (int) perRound.values().stream().filter(c -> c > 1).count();
    }

    /** Runs requests made by {@code request} until one is acknowledged (a lost answer leaves the outcome unknown). */
    private static void until(KvSim kv, java.util.function.Supplier<SimRequest> request) {
        for (int attempt = 0; attempt < 10; attempt++) {
            SimRequest r = request.get();
            if (kv.sim.runUntil(r::finished, Duration.ofSeconds(2)) && r.result() instanceof KvReplies.Written) return;
        }
        throw new AssertionError("no write acknowledged in 10 attempts");
    }

    /** Key {@code i}: 20-60 characters, some with characters JSON escapes or writes in several bytes. */
    private static String key(int i) {
        String tail = i % 17 == 0 ? "\"quoted\\é" : i % 13 == 0 ? "ключ-✓" : "";
        return "key-" + i + "-" + "x".repeat(15 + i * 7919 % 40) + tail;
    }

    private static String value(SplittableRandom rnd, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) b.append(i % 50 == 49 ? '"' : (char) ('a' + rnd.nextInt(26)));
        return b.toString();
    }
}
