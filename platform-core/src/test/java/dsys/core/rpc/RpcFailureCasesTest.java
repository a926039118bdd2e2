package dsys.core.rpc;

import dsys.core.env.Rejection;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static dsys.core.rpc.RpcCluster.CLIENT;
import static dsys.core.rpc.RpcCluster.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notes' failure cases one by one, each under both semantics: what the client gets back, and how often the
 * transfer of 7 into acct-0 landed on the server's disk. The client retries every 60 ms.
 */
class RpcFailureCasesTest {

    private static RpcCluster cluster(CallSemantics semantics) {
        return new RpcCluster(11, RpcCluster.config(semantics, OrphanRemedy.NONE));
    }

    private static long applied(RpcCluster c) {
        return c.balance(SERVER, "acct-0") / 7;
    }

    private static RpcRequests.Returned returned(SimRequest r) {
        assertThat(r.done()).as("the call returned: " + r).isTrue();
        assertThat(r.result()).isInstanceOf(RpcRequests.Returned.class);
        return (RpcRequests.Returned) r.result();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"AT_LEAST_ONCE", "AT_MOST_ONCE"})
    void lostRequest_theRetryExecutesItOnce(CallSemantics semantics) {
        RpcCluster c = cluster(semantics);
        c.sim.network().block(CLIENT, SERVER);
        c.sim.at(Duration.ofMillis(30), () -> c.sim.network().heal());
        SimRequest r = c.call(Duration.ZERO, CLIENT, SERVER, "acct-0", 7, 0);
        c.sim.runFor(Duration.ofSeconds(1));
        assertThat(returned(r).transmissions()).isEqualTo(2);
        assertThat(applied(c)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}: applied {1} times, the reply says {2}")
    @CsvSource({"AT_LEAST_ONCE, 2, 14", "AT_MOST_ONCE, 1, 7"})
    void lostReply_atLeastOnceExecutesTheRetryAgain_atMostOnceAnswersWithTheFirstReply(CallSemantics semantics,
                                                                                      long times, long reported) {
        RpcCluster c = cluster(semantics);
        c.sim.network().block(SERVER, CLIENT);
        c.sim.at(Duration.ofMillis(50), () -> c.sim.network().heal());
        SimRequest r = c.call(Duration.ZERO, CLIENT, SERVER, "acct-0", 7, 0);
        c.sim.runFor(Duration.ofSeconds(1));
        assertThat(returned(r).balance()).isEqualTo(reported);
        assertThat(applied(c)).isEqualTo(times);
    }

    @ParameterizedTest(name = "{0}: applied {1} times")
    @CsvSource({"AT_LEAST_ONCE, 2", "AT_MOST_ONCE, 1"})
    void serverCrashAfterExecuting_atLeastOnceRunsItAgain(CallSemantics semantics, long times) {
        RpcCluster c = cluster(semantics);
        c.sim.armCrashPoint(SERVER, RpcServer.AFTER_EXECUTE);
        c.sim.at(Duration.ofMillis(30), () -> c.sim.restart(SERVER));
        SimRequest r = c.call(Duration.ZERO, CLIENT, SERVER, "acct-0", 7, 0);
        c.sim.runFor(Duration.ofSeconds(1));
        assertThat(c.crashes.get(SERVER)).hasSize(1);
        assertThat(returned(r).balance()).isEqualTo(7 * times);
        assertThat(applied(c)).isEqualTo(times);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"AT_LEAST_ONCE", "AT_MOST_ONCE"})
    void serverCrashBeforeExecuting_theRetryExecutesItOnce(CallSemantics semantics) {
        RpcCluster c = cluster(semantics);
        c.sim.armCrashPoint(SERVER, RpcServer.BEFORE_EXECUTE);
        c.sim.at(Duration.ofMillis(30), () -> c.sim.restart(SERVER));
        SimRequest r = c.call(Duration.ZERO, CLIENT, SERVER, "acct-0", 7, 0);
        c.sim.runFor(Duration.ofSeconds(1));
        assertThat(c.crashes.get(SERVER)).hasSize(1);
        assertThat(returned(r).balance()).isEqualTo(7);
        assertThat(applied(c)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}: applied {1} times")
    @CsvSource({"AT_LEAST_ONCE, 2", "AT_MOST_ONCE, 1"})
    void serverCrashDuringALongComputation_loosesIt_andTheRetryStartsItAgain(CallSemantics semantics, long times) {
        RpcCluster c = cluster(semantics);
        // 5 steps of 20 ms; at-least-once also runs each retransmission (every 60 ms) as a computation of its own
        c.sim.at(Duration.ofMillis(50), () -> c.sim.crash(SERVER));
        c.sim.at(Duration.ofMillis(55), () -> c.sim.restart(SERVER));
        SimRequest r = c.call(Duration.ZERO, CLIENT, SERVER, "acct-0", 7, 5);
        c.sim.runFor(Duration.ofSeconds(1));
        returned(r);
        assertThat(applied(c)).as("at-least-once: the restarted one and a retransmission both complete").isEqualTo(times);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"AT_LEAST_ONCE", "AT_MOST_ONCE"})
    void serverDownForGood_theCallFailsAfterTheRetriesWithServerNotFound(CallSemantics semantics) {
        RpcCluster c = cluster(semantics);
        c.sim.at(Duration.ZERO, () -> c.sim.crash(SERVER));
        SimRequest r = c.call(Duration.ofMillis(1), CLIENT, SERVER, "acct-0", 7, 0);
        c.sim.runFor(Duration.ofSeconds(2));
        assertThat(r.rejected()).isTrue();
        Rejection no = (Rejection) r.result();
        assertThat(no.status()).isEqualTo(503);
        assertThat(no.type()).isEqualTo("server-not-found");
        assertThat(no.detail()).contains("8 transmissions");
        assertThat(RpcCluster.ms(r.completedAt() - r.invokedAt())).as("8 tries, 60 ms apart").isBetween(470L, 490L);
        assertThat(applied(c)).isZero();
    }

    @Test
    void unboundServer_failsAtOnce() {
        RpcCluster c = cluster(CallSemantics.AT_MOST_ONCE);
        SimRequest r = c.sim.requestAt(Duration.ofMillis(1), CLIENT, new RpcRequests.Call("server-9", "acct-0", 7));
        c.sim.runFor(Duration.ofMillis(2));
        assertThat(r.rejected()).isTrue();
        assertThat(((Rejection) r.result()).status()).isEqualTo(404);
        assertThat(c.sim.messagesSent()).isZero();
    }

    /** A server keeps at most {@value RpcServer#MAX_ACCOUNTS} accounts: a call opening one more is refused unapplied. */
    @Test
    void aServerWithAllItsAccountsRefusesToOpenAnother() {
        RpcCluster c = cluster(CallSemantics.AT_MOST_ONCE);
        for (int i = 0; i < RpcServer.MAX_ACCOUNTS - 1; i++) c.sim.storage(SERVER).put(RpcServer.ACCOUNT + "other-" + i, "1");
        SimRequest opens = c.call(Duration.ZERO, CLIENT, SERVER, "acct-0", 7, 0);
        SimRequest oneTooMany = c.call(Duration.ofMillis(100), CLIENT, SERVER, "acct-1", 7, 0);
        SimRequest existing = c.call(Duration.ofMillis(200), CLIENT, SERVER, "acct-0", 7, 0);
        SimRequest read = c.call(Duration.ofMillis(300), CLIENT, SERVER, "acct-2", 0, 0);
        c.sim.runFor(Duration.ofSeconds(1));
        assertThat(returned(opens).balance()).isEqualTo(7);
        assertThat(oneTooMany.result()).as(oneTooMany.toString()).isInstanceOf(Rejection.class);
        assertThat(((Rejection) oneTooMany.result()).detail()).contains("accounts, its limit");
        assertThat(c.balance(SERVER, "acct-1")).isZero();
        assertThat(returned(existing).balance()).isEqualTo(14);
        assertThat(returned(read).balance()).as("a read opens no account").isZero();
        assertThat(c.sim.storage(SERVER).scan(RpcServer.ACCOUNT)).hasSize(RpcServer.MAX_ACCOUNTS);
    }

    /**
     * A rebooted client announces its epoch to a server that stays down: again and again, but with a growing wait
     * (200 ms doubling up to 16 times that), so 10 s of absence cost a handful of messages, not 50 a server; and the
     * server that comes back still hears it and kills the orphan.
     */
    @Test
    void aServerThatStaysAwayIsAnnouncedToWithAGrowingWait() {
        RpcConfig config = RpcConfig.live(OrphanRemedy.REINCARNATION);
        RpcCluster c = new RpcCluster(3, config);
        c.call(Duration.ZERO, CLIENT, SERVER, "acct-0", 7, 400); // 20 s of work at 50 ms a step
        c.sim.at(Duration.ofMillis(100), () -> c.sim.crash(CLIENT));
        c.sim.at(Duration.ofMillis(150), () -> c.sim.network().block(CLIENT, SERVER));
        c.sim.at(Duration.ofMillis(200), () -> c.sim.restart(CLIENT));
        c.sim.at(Duration.ofMillis(10_200), () -> c.sim.network().heal());
        c.sim.runFor(Duration.ofMillis(10_150));
        long announced = c.sim.messageCounts().getOrDefault("NewEpoch", 0L);
        assertThat(announced).as("NewEpoch sent in 10 s of the server's absence").isBetween(5L, 12L);
        c.sim.runFor(Duration.ofSeconds(15));
        assertThat(c.balance(SERVER, "acct-0")).as("the orphan was killed once the epoch got through").isZero();
    }
}
