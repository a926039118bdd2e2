package dsys.core.epidemic;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.clock.LamportStamp;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anti-entropy with more keys than one message holds: each digest covers a range of keys within the budget, and the
 * rounds walk the key space, so replicas still converge. Before, a digest listed every key: at ~50,000 keys of a kv
 * keyspace it exceeded what the transport takes in one message, every digest was dropped, and anti-entropy stopped.
 */
class AntiEntropyRangesTest {

    static final long BUDGET = 8 * 1024;
    static final int KEYS = 1_500;

    @Test
    void digestsStayWithinTheBudgetAndReplicasStillConverge() {
        Seeds.run("anti-entropy ranges", 5, seed -> {
            for (Exchange how : Exchange.values()) converges(seed, how);
        });
    }

    private static void converges(long seed, Exchange how) {
        // anti-entropy alone (no rumors), three replicas, a budget of 8 KiB: ~100 keys of versions per digest
        EpidemicSettings s = new EpidemicSettings(0, 1, 100, how, 600_000, 2, BUDGET);
        EpidemicCluster c = new EpidemicCluster(seed, 3, s, false);
        List<EpidemicMessages.Digest> digests = new ArrayList<>();
        for (NodeId n : c.nodes) c.node(n).tap = m -> {
            if (m instanceof EpidemicMessages.Digest d) digests.add(d);
        };
        NodeId writer = c.nodes.get(0);
        for (int i = 0; i < KEYS; i++) c.await(c.write(writer, String.format("key-%05d", i), "v" + i));
        c.await(c.delete(writer, "key-00007"));
        boolean done = c.sim.runUntil(() -> c.nodes.stream().allMatch(n -> c.node(n).epidemic.replica().items().size() == KEYS),
                Duration.ofMinutes(10));
        assertThat(done).as("every replica holds every key (%s, seed %d): %s", how, seed,
                c.nodes.stream().map(n -> c.node(n).epidemic.replica().items().size()).toList()).isTrue();
        for (NodeId n : c.nodes) {
            assertThat(c.values(n)).as("values on %s", n).isEqualTo(c.values(writer)).hasSize(KEYS - 1);
        }
        assertThat(digests).isNotEmpty();
        for (EpidemicMessages.Digest d : digests) {
            long bytes = 0;
            for (Map.Entry<String, LamportStamp> e : d.versions().entrySet()) bytes += AntiEntropy.digestBytes(e.getKey(), e.getValue());
            assertThat(bytes).as("digest %s..%s", d.from(), d.to()).isLessThanOrEqualTo(BUDGET);
            if (d.to() != null) assertThat(d.versions().keySet()).allMatch(k -> k.compareTo(d.to()) < 0);
            assertThat(d.versions().keySet()).allMatch(k -> k.compareTo(d.from()) >= 0);
        }
        assertThat(digests).as("the rounds walked past the first range").anyMatch(d -> !d.from().isEmpty());
    }

    @Test
    void theEstimateBoundsTheJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, LamportStamp> versions = new TreeMap<>();
        for (String k : List.of("plain", "quote\"back\\slash", "ctl\u0001\u001f", "ünï", "鍵", "emoji\uD83D\uDE00", "")) {
            versions.put(k, new LamportStamp(Long.MAX_VALUE, "kv-1\u0002"));
        }
        long estimate = 0;
        for (Map.Entry<String, LamportStamp> e : versions.entrySet()) {
            String one = json.writeValueAsString(Map.of(e.getKey(), e.getValue()));
            assertThat((long) one.getBytes(java.nio.charset.StandardCharsets.UTF_8).length - 2 + 1)
                    .as("entry %s", e.getKey()).isLessThanOrEqualTo(AntiEntropy.digestBytes(e.getKey(), e.getValue()));
            estimate += AntiEntropy.digestBytes(e.getKey(), e.getValue());
        }
        assertThat((long) json.writeValueAsBytes(versions).length).isLessThanOrEqualTo(estimate + 2);
        // an update's budget size bounds its JSON too, escapes included (a rumor or reply batch is cut by it)
        for (String k : versions.keySet()) {
            Update u = new Update(k, new LamportStamp(Long.MAX_VALUE, "kv-1\u0002"), k.repeat(3) + "\"\u0000");
            assertThat((long) json.writeValueAsBytes(u).length + 1).as("update %s", k).isLessThanOrEqualTo(u.size());
            Update cert = Update.deathCertificate(k, new LamportStamp(1, "kv-1"));
            assertThat((long) json.writeValueAsBytes(cert).length + 1).isLessThanOrEqualTo(cert.size());
        }
    }
}
