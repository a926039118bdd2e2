package dsys.kv.txn.api;

import dsys.core.commit.CommitProtocol;
import dsys.core.commit.CommitRequests;
import dsys.core.commit.TxnOp;
import dsys.kv.api.KvHost;
import dsys.kv.api.KvTestAccess;
import dsys.kv.quorum.KvRequests;
import dsys.platform.host.CoreHost;
import dsys.testing.TestNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kv-1..3 as 2PC/3PC participants, live: a coordinator node (txn-1, another service: linked, not a member) runs
 * transfers between accounts kept in the quorum KV; the balances are read back through kv's REST API.
 */
class TxnParticipantLiveTest {

    /** Long enough that the next transfer always comes first, even on a slow machine. */
    private static final long RELEASE_DELAY_MS = 2000;

    private static KvTestAccess kv;
    private static ConfigurableApplicationContext coordinator;

    @BeforeAll
    static void start() throws Exception {
        int txnPort = TestNodes.freePort();
        kv = KvTestAccess.cluster(3, "dsys.links=txn-1", "dsys.peers.txn-1=http://127.0.0.1:" + txnPort,
                "dsys.txn.ready-timeout-ms=15000", "dsys.txn.release-delay-ms=" + RELEASE_DELAY_MS);
        Path data = TestNodes.dataDir("dsys-txn-coordinator");
        String[] args = TestNodes.arguments("txn-1", Map.of("txn-1", txnPort), data, "dsys.links=kv-1,kv-2,kv-3",
                "dsys.peers.kv-1=http://127.0.0.1:" + kv.port("kv-1"), "dsys.peers.kv-2=http://127.0.0.1:" + kv.port("kv-2"),
                "dsys.peers.kv-3=http://127.0.0.1:" + kv.port("kv-3"), "spring.application.name=txn-coordinator");
        coordinator = new SpringApplicationBuilder(CoordinatorNode.class).run(args);
        kv.put("kv-1", "alice", "100");
        kv.put("kv-1", "bob", "20");
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) coordinator.close();
        if (kv != null) kv.close();
    }

    private static CommitRequests.Outcome run(CommitProtocol protocol, Map<String, List<TxnOp>> ops) {
        CoreHost host = coordinator.getBean(CoreHost.class);
        return (CommitRequests.Outcome) host.call(new CommitRequests.Begin(protocol, ops), Duration.ofSeconds(20));
    }

    /** Polls {@code status} until it gives {@code wanted} or 5 s pass; the last answer. */
    private static int eventually(java.util.function.IntSupplier status, int wanted) {
        long end = System.nanoTime() + 5_000_000_000L;
        int s = status.getAsInt();
        while (s != wanted && System.nanoTime() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            s = status.getAsInt();
        }
        return s;
    }

    /** alice's version once no transaction holds her (a committed one releases after its client heard of it). */
    private static String eventuallyVersion(String key) {
        eventually(() -> kv.status("kv-2", "GET", key, null), 200);
        return kv.version("kv-2", key);
    }

    @Test
    void aTransferCommitsAtomicallyAcrossTwoParticipants_underBothProtocols() {
        for (CommitProtocol p : CommitProtocol.values()) {
            String before = eventuallyVersion("alice");
            CommitRequests.Outcome o = run(p, Map.of("kv-1", List.of(TxnOp.add("alice", -30)), "kv-3", List.of(TxnOp.add("bob", 30))));
            assertThat(o.committed()).as(p + ": " + o.reason()).isTrue();
            assertThat(eventuallyVersion("alice")).as("a new version").isNotEqualTo(before);
        }
        assertThat(eventually(() -> kv.status("kv-3", "GET", "alice", null), 200)).isEqualTo(200);
        assertThat(kv.get("kv-3", "alice")).isEqualTo("40");
        assertThat(kv.get("kv-2", "bob")).isEqualTo("80");
        assertThat(eventually(() -> kv.status("kv-1", "PUT", "alice", "5"), 200)).as("no lock left").isEqualTo(200);
        kv.put("kv-1", "alice", "40");
    }

    @Test
    void aConditionThatFailsAbortsAndLeavesNothingLocked() {
        CommitRequests.Outcome o = run(CommitProtocol.TWO_PHASE, Map.of(
                "kv-1", List.of(new TxnOp("default", "carol", "put", "1", "999.kv-9")),
                "kv-2", List.of(TxnOp.put("dave", "2"))));
        assertThat(o.committed()).isFalse();
        assertThat(o.reason()).contains("carol").contains("expected version 999.kv-9");
        // kv-2 votes vote-commit and locks dave, but kv-1's vote-abort may end the transaction before kv-2's lock is
        // chosen (seen on a loaded host: the read found no lock yet, the put right after it met the lock). So each is
        // waited for: dave never written, and its lock gone once kv-2's release comes (up to the release delay).
        assertThat(eventually(() -> kv.status("kv-3", "GET", "dave", null), 404)).as("dave never written").isEqualTo(404);
        assertThat(eventually(() -> kv.status("kv-3", "PUT", "dave", "x"), 200)).as("dave unlocked").isEqualTo(200);
        CommitRequests.Outcome broke = run(CommitProtocol.THREE_PHASE, Map.of("kv-1", List.of(TxnOp.add("bob", -1000))));
        assertThat(broke.committed()).isFalse();
        assertThat(broke.reason()).contains("cannot add -1000");
    }

    @Test
    void aReadOnlyTransactionReadsEveryKeyAtOnce_andAGetBesideAWriteSeesTheValueBeforeIt() {
        CommitRequests.Outcome o = run(CommitProtocol.TWO_PHASE, Map.of(
                "kv-2", List.of(TxnOp.get("alice")), "kv-3", List.of(TxnOp.get("bob"), TxnOp.get("nobody"))));
        assertThat(o.committed()).as(o.reason()).isTrue();
        assertThat(o.reads()).extracting(r -> r.key() + "=" + r.value()).containsExactlyInAnyOrder(
                "alice=" + kv.get("kv-1", "alice"), "bob=" + kv.get("kv-1", "bob"), "nobody=null");
        assertThat(o.reads()).filteredOn(r -> r.key().equals("alice")).extracting(dsys.core.commit.TxnRead::version)
                .containsExactly(eventuallyVersion("alice").replace("\"", ""));
        assertThat(o.reads()).filteredOn(r -> r.key().equals("nobody")).extracting(dsys.core.commit.TxnRead::version).containsExactly("0");
        assertThat(eventually(() -> kv.status("kv-1", "PUT", "nobody", "x"), 200)).as("read locks released").isEqualTo(200);
        assertThat(kv.status("kv-1", "DELETE", "nobody", null)).isIn(200, 204);
    }

    private static double releases(String how) {
        double n = 0;
        for (String node : List.of("kv-1", "kv-2", "kv-3")) {
            n += kv.bean(node, io.micrometer.core.instrument.MeterRegistry.class).counter("dsys.txn.participant.releases", "how", how).count();
        }
        return n;
    }

    /**
     * Back-to-back transfers on the same two accounts: each one's releases ride on the next one's lock rounds (one round
     * per key and transfer instead of two); the last one's go alone once the release delay has passed, and until then a
     * plain read elsewhere meets no lock it cannot see through (kv-1 learned the outcome first hand).
     */
    @Test
    void backToBackTransfersCarryTheLastOnesReleasesInTheirOwnLockRounds() {
        kv.put("kv-1", "erin", "50");
        kv.put("kv-1", "frank", "0");
        double riding = releases("riding"), alone = releases("alone");
        for (int i = 0; i < 5; i++) {
            CommitRequests.Outcome o = run(CommitProtocol.TWO_PHASE, Map.of("kv-1", List.of(TxnOp.add("erin", -1)), "kv-3", List.of(TxnOp.add("frank", 1))));
            assertThat(o.committed()).as("transfer " + i + ": " + o.reason()).isTrue();
        }
        assertThat(releases("riding") - riding).as("transfers 2..5 carried the one before's, on both keys").isEqualTo(8);
        assertThat(eventually(() -> kv.status("kv-1", "GET", "erin", null), 200)).as("erin's lock resolved with the outcome kv-1 learned").isEqualTo(200);
        assertThat(kv.get("kv-1", "erin")).isEqualTo("45");
        assertThat(eventually(() -> kv.status("kv-2", "GET", "frank", null), 200)).isEqualTo(200);
        assertThat(kv.get("kv-2", "frank")).isEqualTo("5");
        long end = System.nanoTime() + (RELEASE_DELAY_MS + 5_000) * 1_000_000;
        while (releases("alone") - alone < 2 && System.nanoTime() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(releases("alone") - alone).as("the last transfer's releases, each in a round of its own").isGreaterThanOrEqualTo(2);
        assertThat(kv.status("kv-3", "PUT", "erin", "0")).as("nothing left locked").isEqualTo(200);
    }

    /**
     * A key held by a transaction that never ends: the prepare asks for it until its budget (dsys.txn.lock-wait-ms,
     * 1000) is spent when the holder's age cannot be compared, and only for the patience with an older holder
     * (dsys.txn.older-holder-patience-ms, 200) when it is older; then it votes vote-abort, before txn-1's 2 s vote
     * timeout would have aborted it without a reason.
     */
    @Test
    void aKeyHeldForeverCostsAPrepareItsWaitBudget_orItsPatienceWithAnOlderHolder() {
        KvHost host = kv.bean("kv-1", KvHost.class);
        assertThat(waitedFor("gina", "stuck", host)).as("an ageless holder: the whole budget").isBetween(1000L, 1900L);
        assertThat(waitedFor("hank", "stuck-0-1", host)).as("an older holder: the patience").isBetween(200L, 900L);
    }

    /** Locks {@code key} for {@code holder}, then times a transaction that wants it; ms. The lock goes again after. */
    private static long waitedFor(String key, String holder, KvHost host) {
        host.call("default", new KvRequests.Lock(key, holder, 'p', "1", null), Object.class).join();
        try {
            long start = System.nanoTime();
            CommitRequests.Outcome o = run(CommitProtocol.TWO_PHASE, Map.of("kv-1", List.of(TxnOp.put(key, "2"))));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(o.committed()).isFalse();
            assertThat(o.reason()).as("a vote-abort naming the holder, not a vote timeout").contains(holder);
            return ms;
        } finally {
            host.call("default", new KvRequests.Release(key, holder, false), Object.class).join();
        }
    }
}
