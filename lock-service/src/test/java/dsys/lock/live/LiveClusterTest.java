package dsys.lock.live;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.verifier.CheckResult;
import dsys.verifier.history.History;

import dsys.verifier.history.HistoryRecorder;
import dsys.verifier.history.Op;
import dsys.verifier.history.OpType;
import dsys.verifier.linear.LinearizabilityChecker;
import dsys.verifier.linear.LinearizabilityResult;
import dsys.verifier.linear.MutexModel;
import dsys.verifier.lock.LockChecker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three lock-service instances in this JVM. Per algorithm: 8 clients on one lock through random nodes (one of them
 * pauses past its lease before writing, as after a GC pause), a partition and a node crash during the run, then
 * the verifier: lock safety with leases and the fenced resource (LockChecker, all clients), and linearizability
 * against the fenced-mutex model (the clients that keep to their leases).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveClusterTest {

    private static LiveCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LiveCluster(3, Map.of("dsys.lock.max-lease-ms", "2000"));
        ready("centralized");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    /** Every node is in the same epoch of {@code algorithm} and grants a fresh lock (settled after faults). */
    private static void ready(String algorithm) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        cluster.awaitEpoch(algorithm, Duration.ofSeconds(25));
        for (String node : cluster.nodes) {
            while (true) {
                LiveCluster.Reply r = cluster.post(node, "/api/locks/ready-" + node + "/acquire",
                        Map.of("owner", "probe", "leaseMs", 100, "waitMs", 3000));
                if (r.status() == 200) {
                    assertThat(r.body().get("algorithm").asText()).isEqualTo(algorithm);
                    break;
                }
                if (System.nanoTime() > deadline) throw new AssertionError(node + " not ready: " + r);
            }
        }
    }

    @Test
    @Order(1)
    void badInputIsRefusedWithProblems() {
        String n = "lock-2";
        assertThat(cluster.post(n, "/api/locks/b/acquire", Map.of("owner", "o", "leaseMs", -1, "waitMs", 0)).status())
                .isEqualTo(400);
        LiveCluster.Reply absurd = cluster.post(n, "/api/locks/b/acquire", Map.of("owner", "o", "leaseMs", 86_400_000L));
        assertThat(absurd.status()).isEqualTo(400);
        assertThat(absurd.body().get("type").asText()).startsWith("https://dsys.dev/problems/");
        assertThat(absurd.body().get("detail").asText()).contains("leaseMs");
        assertThat(cluster.post(n, "/api/locks/b/acquire", Map.of("owner", "o")).status()).isEqualTo(400);
        // the longest lease allowed here: the renew below must come before it ends, even on a cold, loaded JVM
        LiveCluster.Reply g = cluster.post(n, "/api/locks/b/acquire", Map.of("owner", "alice", "leaseMs", 2000));
        assertThat(g.status()).isEqualTo(200);
        long token = g.body().get("fencingToken").asLong();
        assertThat(cluster.post("lock-1", "/api/locks/b/release", Map.of("owner", "mallory", "fencingToken", token))
                .status()).isEqualTo(409);
        assertThat(cluster.post("lock-3", "/api/locks/b/renew", Map.of("owner", "alice", "fencingToken", token - 64))
                .status()).isEqualTo(409);
        JsonNode view = cluster.get("lock-3", "/api/locks/b").body();
        assertThat(view.get("holder").asText()).isEqualTo("alice");
        assertThat(view.get("fencingToken").asLong()).isEqualTo(token);
        LiveCluster.Reply renewed = cluster.post("lock-3", "/api/locks/b/renew",
                Map.of("owner", "alice", "fencingToken", token));
        assertThat(renewed.status()).as(renewed.body().toString()).isEqualTo(200);
        assertThat(cluster.post("lock-1", "/api/locks/b/release", Map.of("owner", "alice", "fencingToken", token))
                .status()).isEqualTo(200);
        assertThat(cluster.send(n, "PUT", "/api/locks/algorithm", Map.of("algorithm", "token-ring"), false).status())
                .isEqualTo(401);
        assertThat(cluster.admin(n, "PUT", "/api/locks/algorithm", Map.of("algorithm", "paxos")).status())
                .isEqualTo(400);
        JsonNode stats = cluster.get(n, "/api/locks/_stats").body();
        assertThat(stats.get("algorithms").size()).isEqualTo(3);
        assertThat(cluster.get(n, "/api/locks/_status").body().get("node").asText()).isEqualTo(n);
        // no lock name is shadowed by a fixed route: "stats" and "status" are locks like any other
        for (String name : List.of("stats", "status")) {
            LiveCluster.Reply held = cluster.post(n, "/api/locks/" + name + "/acquire", Map.of("owner", "bob", "leaseMs", 2000));
            assertThat(held.status()).as(held.body().toString()).isEqualTo(200);
            assertThat(cluster.get(n, "/api/locks/" + name).body().get("holder").asText()).isEqualTo("bob");
            assertThat(cluster.post(n, "/api/locks/" + name + "/release", Map.of("owner", "bob",
                    "fencingToken", held.body().get("fencingToken").asLong())).status()).isEqualTo(200);
        }
        assertThat(cluster.post(n, "/api/locks/_mine/acquire", Map.of("owner", "bob", "leaseMs", 100)).status())
                .isEqualTo(400);
        assertThat(stats.get("algorithms").get(0).get("notes").get("messagesPerEntryExit").asText()).isEqualTo("3");
    }

    @Test
    @Order(3)
    void metricsAreExported() {
        String text = cluster.getText("lock-2", "/actuator/prometheus");
        assertThat(text).contains("dsys_lock_grants_total{").contains("dsys_lock_wait_seconds")
                .contains("dsys_lock_messages_total{").contains("algorithm=\"");
    }

    @ParameterizedTest
    @Order(2)
    @ValueSource(strings = {"centralized", "ricart-agrawala", "token-ring"})
    void eightClientsThroughAPartitionAndACrashStaySafe(String algorithm) throws Exception {
        LiveCluster.Reply set = cluster.admin("lock-1", "PUT", "/api/locks/algorithm", Map.of("algorithm", algorithm));
        assertThat(set.status()).as("switch: " + set.body()).isEqualTo(200);
        ready(algorithm);
        HistoryRecorder rec = new HistoryRecorder();
        String lock = "live-" + algorithm;
        long end = System.nanoTime() + Duration.ofSeconds(9).toNanos();
        List<LiveClient> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            LiveClient c = new LiveClient(cluster, rec, lock, "c" + i, end, i * 7919L + algorithm.hashCode(), i == 7);
            clients.add(c);
            Thread t = new Thread(c, "client-" + i);
            threads.add(t);
            t.start();
        }
        Thread.sleep(1_500);
        rec.nemesis("partition", "[[lock-1],[lock-2,lock-3]]");
        cluster.chaosEverywhere("POST", "/api/chaos/partitions", Map.of("groups", List.of(List.of("lock-1"),
                List.of("lock-2", "lock-3"))));
        Thread.sleep(2_000);
        rec.nemesis("heal", null);
        cluster.chaosEverywhere("DELETE", "/api/chaos", null);
        Thread.sleep(1_000);
        rec.nemesis("crash", "lock-3");
        cluster.chaosEverywhere("POST", "/api/chaos/nodes/lock-3/crash", null);
        Thread.sleep(2_500);
        rec.nemesis("restart", "lock-3");
        cluster.chaosEverywhere("POST", "/api/chaos/nodes/lock-3/restart", null);
        for (Thread t : threads) t.join(20_000);

        History h = rec.history();
        int grants = clients.stream().mapToInt(c -> c.grants).sum();
        assertThat(grants).as("grants under faults").isGreaterThan(20);
        CheckResult safety = new LockChecker().check(h);
        assertThat(safety.violations()).as("lock safety, fencing, fenced resource").isEmpty();
        // fenced-mutex has no leases: it checks the holds that ended by a successful release. Holds that may have
        // ended by lease expiry (the pausing client c7 on purpose; any client delayed past its lease on a loaded
        // machine, whose release then fails or is unknown) are left to LockChecker above, leases included.
        History lockOps = History.of(releasedHolds(h.ops().stream()
                .filter(o -> !"use".equals(o.f()) && (o.process() == null || !o.process().startsWith("c7."))).toList()));
        LinearizabilityResult lin = new LinearizabilityChecker(MutexModel.fencedMutex(), Duration.ofSeconds(20),
                256L << 20).check(lockOps);
        assertThat(lin.isValid()).as("fenced-mutex linearizability: " + lin).isTrue();
        long stale = h.ops().stream().filter(o -> "use".equals(o.f()) && o.type().name().equals("FAIL")).count();
        System.out.printf("%s: %d grants, %d ops, %d stale fenced writes refused%n", algorithm, grants,
                h.ops().size(), stale);
        assertThat(stale).as("the client that paused past its lease was fenced off").isPositive();
        ready(algorithm);
    }

    /** Drops each acquire…release pair whose release did not complete ok (the hold may have lapsed instead). */
    static List<Op> releasedHolds(List<Op> ops) {
        Map<String, List<Op>> open = new HashMap<>();
        Set<Op> dropped = new HashSet<>();
        for (Op o : ops) {
            if (o.isNemesis()) continue;
            List<Op> hold = open.computeIfAbsent(o.process(), k -> new ArrayList<>());
            hold.add(o);
            if (o.type() == OpType.INVOKE) continue;
            boolean acquired = "acquire".equals(o.f()) && o.type() == OpType.OK;
            if (acquired) continue; // the hold stays open until its release completes
            if ("release".equals(o.f()) && o.type() != OpType.OK) dropped.addAll(hold);
            hold.clear();
        }
        open.values().stream().filter(h -> h.stream().anyMatch(o -> "acquire".equals(o.f()) && o.type() == OpType.OK))
                .forEach(dropped::addAll); // never released: it ended by its lease
        return ops.stream().filter(o -> !dropped.contains(o)).toList();
    }

    /**
     * A queued acquire whose client went away is withdrawn when the gateway says so (DELETE …/waiters/{id}, the id it
     * sent as X-Dsys-Waiter), and the next waiter gets the lock at the release instead of a lease later; a withdrawal
     * that comes after the grant releases it at once.
     */
    @Test
    @Order(4)
    void aWaiterWhoseClientHasGoneIsNotGranted() throws Exception {
        String n = "lock-2";
        LiveCluster.Reply held = acquireOnceSettled(n, "gone", "alice");
        assertThat(held.status()).as(held.body().toString()).isEqualTo(200);
        try (java.net.Socket bob = new java.net.Socket("127.0.0.1", java.net.URI.create(cluster.url(n)).getPort())) {
            String body = "{\"owner\":\"bob\",\"leaseMs\":2000,\"waitMs\":20000}";
            bob.getOutputStream().write(("POST /api/locks/gone/acquire HTTP/1.1\r\nHost: x\r\nX-Dsys-Waiter: w-bob\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes());
            bob.getOutputStream().flush();
            awaitQueued("gone", "bob");
        }   // bob hangs up while queued
        var carol = java.util.concurrent.CompletableFuture.supplyAsync(() -> cluster.post(n, "/api/locks/gone/acquire",
                Map.of("owner", "carol", "leaseMs", 2000, "waitMs", 20000)));
        awaitQueued("gone", "carol");
        LiveCluster.Reply withdrawn = cluster.admin(n, "DELETE", "/api/locks/gone/waiters/w-bob", null);
        assertThat(withdrawn.status()).as(withdrawn.body().toString()).isEqualTo(200);
        assertThat(withdrawn.body().get("outcome").asText()).isEqualTo("withdrawn");
        assertThat(cluster.send(n, "DELETE", "/api/locks/gone/waiters/w-bob", null, false).status()).isEqualTo(401);
        assertThat(cluster.admin(n, "DELETE", "/api/locks/gone/waiters/w-bob", null).status()).isEqualTo(404);
        long released = System.nanoTime();
        cluster.post(n, "/api/locks/gone/release", Map.of("owner", "alice",
                "fencingToken", held.body().get("fencingToken").asLong()));
        LiveCluster.Reply c = carol.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(c.status()).as(c.body().toString()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - released)).as("carol waited for bob's lease")
                .isLessThan(Duration.ofMillis(1500));
        // the grant wins the race: a withdrawal right after it releases the lock
        cluster.post(n, "/api/locks/gone/release", Map.of("owner", "carol", "fencingToken", c.body().get("fencingToken").asLong()));
        LiveCluster.Reply dave = cluster.send(n, "POST", "/api/locks/gone/acquire",
                Map.of("owner", "dave", "leaseMs", 2000), false, Map.of("X-Dsys-Waiter", "w-dave"));
        assertThat(dave.status()).isEqualTo(200);
        LiveCluster.Reply late = cluster.admin(n, "DELETE", "/api/locks/gone/waiters/w-dave", null);
        assertThat(late.body().get("outcome").asText()).isEqualTo("released");
        assertThat(cluster.get(n, "/api/locks/gone").body().hasNonNull("holder")).isFalse();
    }

    /**
     * An acquire, asked again for up to 10 s while it gets 409/503: the test before this one crashed and restarted
     * lock-3, and a grant made while the group changes its epoch can be refused (seen once in CI-like runs).
     */
    private static LiveCluster.Reply acquireOnceSettled(String node, String lock, String owner) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        LiveCluster.Reply r = cluster.post(node, "/api/locks/" + lock + "/acquire", Map.of("owner", owner, "leaseMs", 2000));
        while ((r.status() == 409 || r.status() == 503) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r = cluster.post(node, "/api/locks/" + lock + "/acquire", Map.of("owner", owner, "leaseMs", 2000));
        }
        return r;
    }

    private static void awaitQueued(String lock, String owner) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!cluster.get("lock-2", "/api/locks/" + lock).body().get("queue").toString().contains(owner)) {
            if (System.nanoTime() > deadline) throw new AssertionError(owner + " never queued for " + lock);
            Thread.sleep(20);
        }
    }

    /**
     * The fenced resource survives the loss of its old host (lock-1, once its only copy): writes and reads go on
     * through the other nodes, stale tokens are still refused and a forged one never gets in. Last: lock-1 stays down.
     */
    @Test
    @Order(9)
    void fencedResourceSurvivesTheLossOfItsOldHost() throws Exception {
        // a grant the group could not record in time under load is refused (409 not-granted); asked again, as a client would
        LiveCluster.Reply first = acquireOnceSettled("lock-2", "fenced-doc", "alice");
        assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
        long t1 = first.body().get("fencingToken").asLong();
        assertThat(cluster.post("lock-1", "/api/locks/fenced-doc/fenced-write", Map.of("token", t1, "value", "v1"))
                .status()).isEqualTo(200);
        assertThat(cluster.post("lock-2", "/api/locks/fenced-doc/release", Map.of("owner", "alice", "fencingToken", t1))
                .status()).isEqualTo(200);
        cluster.kill("lock-1");
        assertThat(cluster.get("lock-3", "/api/locks/fenced-doc/fenced").body().get("value").asText()).isEqualTo("v1");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        LiveCluster.Reply second;
        do {   // the survivors agree on an epoch without lock-1 first (grace period included)
            second = cluster.post("lock-2", "/api/locks/fenced-doc/acquire",
                    Map.of("owner", "bob", "leaseMs", 2000, "waitMs", 5000));
        } while (second.status() != 200 && System.nanoTime() < deadline);
        assertThat(second.status()).as(second.body().toString()).isEqualTo(200);
        long t2 = second.body().get("fencingToken").asLong();
        LiveCluster.Reply w = cluster.post("lock-3", "/api/locks/fenced-doc/fenced-write", Map.of("token", t2, "value", "v2"));
        assertThat(w.status()).as(w.body().toString()).isEqualTo(200);
        LiveCluster.Reply stale = cluster.post("lock-3", "/api/locks/fenced-doc/fenced-write", Map.of("token", t1, "value", "late"));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body().get("type").asText()).endsWith("/stale-token");
        LiveCluster.Reply forged = cluster.post("lock-2", "/api/locks/fenced-doc/fenced-write",
                Map.of("token", Long.MAX_VALUE, "value", "mine forever"));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.body().get("type").asText()).endsWith("/token-not-issued");
        assertThat(cluster.get("lock-2", "/api/locks/fenced-doc/fenced").body().get("value").asText()).isEqualTo("v2");
    }
}
