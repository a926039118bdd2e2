package dsys.txn.api;

import dsys.core.rpc.OrphanRemedy;
import dsys.core.rpc.RpcClient;
import dsys.core.rpc.RpcConfig;
import dsys.platform.storage.FileDurable;
import dsys.txn.api.TxnLiveCluster.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notes' orphans (通信 §2.3.5), live: txn-1 calls kv-2's server stub for a computation of 30 steps (1.5 s) and
 * crashes as soon as kv-2 said it runs it (crash point {@code after-call-accepted}), then restarts. Judged from kv-2's
 * disk, not from what the stubs say: with no remedy the orphan runs on and its transfer lands although nobody waits
 * for it; under extermination, reincarnation, gentle reincarnation and expiration it is killed, and the account
 * never changes. Under expiration the rebooted client calls nobody before a quantum (plus the delay bound) passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RpcOrphansLiveTest {

    private static final String SERVER = "kv-2";
    private static final int WORK = 30; // steps of 50 ms

    @TempDir
    static Path data;
    private TxnLiveCluster c;

    @BeforeAll
    void start() throws Exception {
        c = new TxnLiveCluster(data);
    }

    @AfterAll
    void stop() {
        if (c != null) c.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(OrphanRemedy.class)
    void theOrphanOfACrashedClientEndsAsItsRemedySays(OrphanRemedy remedy) throws InterruptedException {
        String account = "orphan-" + remedy.label();
        c.node(TxnLiveCluster.COORDINATOR).faults().armCrashPoint(RpcClient.AFTER_CALL_ACCEPTED);
        long sent = System.nanoTime();
        Response first = c.post("/api/txn/rpc/calls", call(remedy, account, 10, WORK));
        assertThat(first.status()).as("the client crashed while it waited: " + first).isEqualTo(503);
        assertThat(c.node(TxnLiveCluster.COORDINATOR).crashed()).isTrue();
        c.node(TxnLiveCluster.COORDINATOR).restart();

        // the orphan would have ended WORK steps after it started, and expiration kills within a quantum
        long deadline = sent + RpcConfig.live(remedy).tick().multipliedBy(WORK).toNanos() + 2_000_000_000L;
        if (remedy == OrphanRemedy.NONE) {
            while (balance(remedy, account) == 0 && System.nanoTime() < deadline + 3_000_000_000L) Thread.sleep(50);
            assertThat(balance(remedy, account)).as("no remedy: the orphan's transfer lands, though nobody waits for it").isEqualTo(10);
        } else {
            while (System.nanoTime() < deadline) {
                assertThat(balance(remedy, account)).as("the orphan was killed before its effect").isZero();
                Thread.sleep(50);
            }
        }
    }

    @Test
    void afterARebootUnderExpirationTheClientWaitsAQuantumBeforeItCalls() {
        OrphanRemedy remedy = OrphanRemedy.EXPIRATION;
        c.node(TxnLiveCluster.COORDINATOR).crash("test");
        c.node(TxnLiveCluster.COORDINATOR).restart();
        long rebooted = System.nanoTime();
        Response r = c.post("/api/txn/rpc/calls", call(remedy, "after-reboot", 1, 0));
        long waited = (System.nanoTime() - rebooted) / 1_000_000;
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(waited).as("ms until the first call after the reboot returned")
                .isGreaterThanOrEqualTo(RpcConfig.live(remedy).rebootWait().toMillis() - 50);
        assertThat(balance(remedy, "after-reboot")).isEqualTo(1);
    }

    @Test
    void aCallToAServerNobodyBoundIsA404AndABadBodyA400() {
        Response unknown = c.post("/api/txn/rpc/calls", "{\"remedy\":\"none\",\"server\":\"kv-9\",\"account\":\"a\",\"amount\":1}");
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.body().path("type").asText()).endsWith("server-not-found");
        for (String bad : new String[]{"{\"remedy\":\"prayer\",\"server\":\"kv-1\",\"account\":\"a\"}",
                "{\"remedy\":\"none\",\"server\":\"kv-1\",\"account\":\"a b\"}",
                "{\"remedy\":\"none\",\"server\":\"kv-1\",\"account\":\"a\",\"work\":401}",
                "{\"remedy\":\"none\",\"server\":\"kv-1\",\"account\":\"a\",\"amount\":1000000000001}"}) {
            assertThat(c.post("/api/txn/rpc/calls", bad).status()).as(bad).isEqualTo(400);
        }
    }

    private static String call(OrphanRemedy remedy, String account, long amount, int work) {
        return "{\"remedy\":\"" + remedy.label() + "\",\"server\":\"" + SERVER + "\",\"account\":\"" + account
                + "\",\"amount\":" + amount + ",\"work\":" + work + "}";
    }

    /** The account on kv-2's disk, where that remedy's server stub keeps it (its core group's share of the store). */
    private long balance(OrphanRemedy remedy, String account) {
        FileDurable disk = c.context(SERVER).getBean(FileDurable.class);
        return disk.get(remedy.group() + "/rpc.s.account." + account).map(Long::parseLong).orElse(0L);
    }
}
