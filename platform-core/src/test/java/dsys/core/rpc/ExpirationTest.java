package dsys.core.rpc;

import dsys.core.env.Rejection;
import dsys.core.sim.JournalEntry;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static dsys.core.rpc.RpcCluster.CLIENT;
import static dsys.core.rpc.RpcCluster.SERVER;
import static dsys.core.rpc.RpcCluster.ms;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expiration with a quantum T of 150 ms and computations of 800 ms (40 steps of 20 ms): one the client keeps
 * renewing completes; one nobody renews dies once T has run out, whether its client crashed or only its renewals
 * are cut off; and a rebooted client waits T before it calls again. Effects are read off the server's disk; when
 * a computation died is read from the server's running computations (a white-box view, sampled every 5 ms), when
 * renewals arrived and calls left from the simulator's message journal.
 */
class ExpirationTest {

    private static final RpcConfig CONFIG = RpcCluster.config(CallSemantics.AT_MOST_ONCE, OrphanRemedy.EXPIRATION);
    private static final long T = CONFIG.quantum().toNanos();

    @Test
    void aRenewedComputationOutlivesItsQuantumAndCompletes() {
        Seeds.run("renewed computation", 200, seed -> {
            RpcCluster c = new RpcCluster(seed, CONFIG);
            c.sim.network().duplicate(0.1).reorder(0.2, Duration.ofMillis(10));
            SimRequest r = c.call(Duration.ofMillis(1), CLIENT, SERVER, "acct-0", 5, 40);
            c.sim.runFor(Duration.ofSeconds(3));
            assertThat(r.result()).isInstanceOf(RpcRequests.Returned.class);
            assertThat(r.completedAt() - r.invokedAt()).as("it ran for over 5 quanta").isGreaterThan(5 * T);
            assertThat(c.balance(SERVER, "acct-0")).isEqualTo(5);
        });
    }

    @Test
    void anOrphanDiesWhenItsQuantumRunsOut() {
        Seeds.run("orphan expires", 200, seed -> {
            RpcCluster c = new RpcCluster(seed, CONFIG);
            Random rnd = new Random(seed);
            c.call(Duration.ofMillis(1), CLIENT, SERVER, "acct-0", 5, 40);
            long crash = Duration.ofMillis(60 + rnd.nextInt(300)).toNanos();
            c.sim.at(Duration.ofNanos(crash), () -> c.sim.crash(CLIENT)); // stays down: nobody renews
            long[] died = {-1};
            for (long t = 0; t < 1000; t += 5) {
                c.sim.at(Duration.ofMillis(t), () -> {
                    if (died[0] < 0 && c.sim.now() > crash && server(c).running().isEmpty()) died[0] = c.sim.now();
                });
            }
            c.sim.runFor(Duration.ofSeconds(2));
            assertThat(c.balance(SERVER, "acct-0")).as("the orphan's effect").isZero();
            // Its last renewal left at most T/3 before the crash; it dies at the first step after its quantum.
            assertThat(died[0]).as("it died").isPositive();
            assertThat(ms(died[0] - crash)).as("ms from the crash to its death").isBetween(ms(T * 2 / 3), ms(T + 10_000_000 + 20_000_000 + 5_000_000));
        });
    }

    @Test
    void aComputationWhoseRenewalsAreCutOffDies_andItsLiveClientIsTold() {
        RpcCluster c = new RpcCluster(3, CONFIG);
        SimRequest r = c.call(Duration.ofMillis(1), CLIENT, SERVER, "acct-0", 5, 40);
        c.sim.at(Duration.ofMillis(30), () -> c.sim.network().block(CLIENT, SERVER)); // the started computation hears nothing more
        c.sim.runFor(Duration.ofSeconds(2));
        assertThat(r.rejected()).isTrue();
        assertThat(((Rejection) r.result()).type()).isEqualTo("computation-killed");
        assertThat(ms(r.completedAt())).as("killed after T without renewals").isBetween(ms(T), ms(T) + 60);
        assertThat(c.balance(SERVER, "acct-0")).isZero();
    }

    @Test
    void aRebootedClientWaitsTBeforeItCallsAgain() {
        Seeds.run("reboot waits T", 200, seed -> {
            RpcCluster c = new RpcCluster(seed, CONFIG);
            Random rnd = new Random(seed);
            c.call(Duration.ofMillis(1), CLIENT, SERVER, "acct-0", 5, 40);
            long crash = 60 + rnd.nextInt(100), reboot = crash + 1 + rnd.nextInt(10);
            c.sim.at(Duration.ofMillis(crash), () -> c.sim.crash(CLIENT));
            c.sim.at(Duration.ofMillis(reboot), () -> c.sim.restart(CLIENT));
            SimRequest again = c.call(Duration.ofMillis(reboot), CLIENT, SERVER, "acct-1", 7, 0);
            c.sim.runFor(Duration.ofSeconds(2));
            assertThat(again.result()).isInstanceOf(RpcRequests.Returned.class);
            List<RpcCluster.Effect> applied = c.effects("acct-1", 7);
            assertThat(applied).hasSize(1);
            assertThat(applied.get(0).at()).as("the held call ran T after the reboot").isGreaterThanOrEqualTo(Duration.ofMillis(reboot).toNanos() + T);
            assertThat(c.balance(SERVER, "acct-0")).as("the orphan died meanwhile").isZero();
            // From the message journal: the quantum the orphan last got started when its last renewal arrived,
            // which may be after the reboot; the client must not call before that quantum is over.
            long lastRenewal = c.sim.journal().stream().filter(e -> e.event().equals("receive") && e.type().equals("Renew"))
                    .mapToLong(JournalEntry::time).max().orElseThrow();
            long firstCall = c.sim.journal().stream().filter(e -> e.event().equals("send") && e.type().equals("Request")
                    && e.node().equals(CLIENT.value()) && e.time() >= Duration.ofMillis(reboot).toNanos())
                    .mapToLong(JournalEntry::time).min().orElseThrow();
            assertThat(firstCall).as("the first call after the reboot leaves T after the orphan's last renewal arrived")
                    .isGreaterThanOrEqualTo(lastRenewal + T);
        });
    }

    private static RpcServer server(RpcCluster c) {
        return (RpcServer) c.sim.core(SERVER);
    }
}
