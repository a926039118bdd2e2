package dsys.core.rpc;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dsys.core.rpc.RpcCluster.CLIENT;
import static dsys.core.rpc.RpcCluster.SERVER;
import static dsys.core.rpc.RpcCluster.SERVER2;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client calls two servers (six transfers of 1, each into its own account, computations of 0 to 40 steps of
 * 20 ms), crashes while they run (at a random time, or right after logging or sending a call) and reboots; then,
 * as its user would, it redoes every call that did not return, paying 1000. The calls it left running are orphans.
 * Judged from the accounts on the servers' disks:
 * <ul>
 *   <li>under every remedy no orphan's effect (a change of +1) lands after the remedy has had its chance:
 *   extermination and reincarnation one network delay after the reboot, gentle reincarnation three (the broadcast,
 *   the question, the answer), expiration T plus one network delay after the crash (its last renewal may arrive
 *   that late), however long the client stayed down; each transfer runs at most once and each redo exactly once;</li>
 *   <li>under expiration the rebooted client calls nobody before T has passed;</li>
 *   <li>under NONE the orphans run on and their effects land late, so the redo duplicates them (the problem).</li>
 * </ul>
 * An orphan that finished before its remedy acted (while the client was down) is duplicated by the redo under every
 * remedy: the remedies end computations, they do not tell the user what already happened.
 * The network duplicates and reorders but loses nothing, so the remedies' messages arrive within those bounds.
 */
class OrphanRemediesTest {

    private static final int CALLS = 6;
    private static final long ORIGINAL = 1, REDO = 1000;
    private static final long MAX_DELAY_MS = 10;

    @ParameterizedTest(name = "{0}")
    @EnumSource(OrphanRemedy.class)
    void orphansOfACrashedClient(OrphanRemedy remedy) {
        long[] totals = new long[3]; // orphans, orphan effects after the remedy's bound, duplicates
        Seeds.run("orphans under " + remedy, 200, seed -> run(seed, remedy, totals));
        System.out.printf("%s: %d orphans, %d orphan effects after the remedy's bound, %d duplicated transfers%n",
                remedy, totals[0], totals[1], totals[2]);
    }

    /**
     * A request copy that lingers in the network past the reboot (200 ms on the way; the kill or the new epoch
     * overtakes it) must not start an orphan once the remedy has acted: extermination remembers the killed id,
     * reincarnation the client's new epoch. Under expiration it starts, unrenewed, and dies after T. Under NONE
     * it starts an orphan that runs to its end.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(OrphanRemedy.class)
    void aRequestStillInTheNetworkAfterTheRebootStartsNoOrphan(OrphanRemedy remedy) {
        Seeds.run("late request under " + remedy, 50, seed -> {
            RpcCluster c = new RpcCluster(seed, RpcCluster.config(CallSemantics.AT_MOST_ONCE, remedy));
            c.sim.network().link(CLIENT, SERVER, 0, Duration.ofMillis(200));
            c.call(Duration.ofMillis(1), CLIENT, SERVER, "acct-0", ORIGINAL, 10);
            c.sim.at(Duration.ofMillis(2), () -> c.sim.network().clearLinks()); // what is sent from now on is fast
            c.sim.at(Duration.ofMillis(5), () -> c.sim.crash(CLIENT));
            c.sim.at(Duration.ofMillis(20), () -> c.sim.restart(CLIENT));
            c.sim.runFor(Duration.ofSeconds(1));
            assertThat(c.effects("acct-0", ORIGINAL)).as("the late request's effect").hasSize(remedy == OrphanRemedy.NONE ? 1 : 0);
        });
    }

    private static void run(long seed, OrphanRemedy remedy, long[] totals) {
        RpcConfig config = RpcCluster.config(CallSemantics.AT_MOST_ONCE, remedy);
        RpcCluster c = new RpcCluster(seed, config, List.of(CLIENT), List.of(SERVER, SERVER2));
        c.asProcess = seed % 2 == 1; // odd seeds: a new process after kill -9, whose onStart finds the disk
        Random rnd = new Random(seed);
        c.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(MAX_DELAY_MS)).duplicate(0.1)
                .reorder(0.2, Duration.ofMillis(0)); // reordering only by the drawn delays: the bound holds

        List<SimRequest> originals = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            // call 0 starts first and runs 800 ms: there is always an orphan that outlives every bound
            int work = i == 0 ? 40 : rnd.nextInt(41);
            NodeId server = rnd.nextBoolean() ? SERVER : SERVER2;
            originals.add(c.call(Duration.ofMillis(i == 0 ? 1 : 2 + rnd.nextInt(80)), CLIENT, server, "acct-" + i, ORIGINAL, work));
        }
        int how = rnd.nextInt(4);
        if (how == 1) c.sim.armCrashPoint(CLIENT, RpcClient.AFTER_CALL_LOGGED); // fires under extermination only
        if (how == 2) c.sim.armCrashPoint(CLIENT, RpcClient.AFTER_CALL_SENT);
        if (how == 3) c.sim.armCrashPoint(CLIENT, RpcClient.AFTER_CALL_ACCEPTED); // a call with work is running
        c.sim.at(Duration.ofMillis(40 + rnd.nextInt(160)), () -> {
            if (c.crashes.get(CLIENT).isEmpty()) c.sim.crash(CLIENT); // unless a crash point came first
        });
        List<SimRequest> redos = new ArrayList<>();
        c.rebootAfter(CLIENT, Duration.ofMillis(5 + rnd.nextInt(150)), () -> { // the user reboots it, redoes what did not return
            for (int i = 0; i < CALLS; i++) {
                SimRequest o = originals.get(i);
                if (o.done()) continue;
                RpcRequests.Call body = (RpcRequests.Call) o.body();
                redos.add(c.sim.request(CLIENT, new RpcRequests.Call(body.server(), body.account(), REDO, body.work())));
            }
        });
        boolean ended = c.sim.runUntil(() -> !redos.isEmpty() && c.allFinished(redos) && c.sim.now() > Duration.ofMillis(1000).toNanos(), // every orphan would have ended by then
                Duration.ofSeconds(5));
        assertThat(ended).as("the redone calls end").isTrue();

        long crash = c.crashes.get(CLIENT).get(0), reboot = c.restarts.get(CLIENT).get(0);
        long delay = Duration.ofMillis(MAX_DELAY_MS).toNanos(), slack = Duration.ofMillis(1).toNanos();
        long quantumBound = crash + config.quantum().toNanos() + delay + slack;
        long bound = switch (remedy) {
            case EXTERMINATION, REINCARNATION -> reboot + delay + slack;
            case GENTLE_REINCARNATION -> reboot + 3 * delay + slack;
            case EXPIRATION -> quantumBound;
            case NONE -> Math.max(reboot + 3 * delay, quantumBound) + slack; // the latest of them
        };

        long late = 0, duplicated = 0, orphans = 0;
        for (int i = 0; i < CALLS; i++) {
            String account = "acct-" + i;
            List<RpcCluster.Effect> mine = c.effects(account, ORIGINAL), redone = c.effects(account, REDO);
            assertThat(c.effects.stream().filter(e -> e.account().equals(account) && e.delta() != ORIGINAL && e.delta() != REDO))
                    .as(account + ": only the transfers changed it").isEmpty();
            assertThat(mine).as(account + ": the transfer ran at most once").hasSizeLessThanOrEqualTo(1);
            if (originals.get(i).done()) {
                assertThat(mine).as(account + " returned before the crash").hasSize(1);
                continue;
            }
            orphans++;
            SimRequest redo = redos.stream().filter(r -> ((RpcRequests.Call) r.body()).account().equals(account)).findFirst().orElseThrow();
            assertThat(redo.result()).as(account + ": the redo returned").isInstanceOf(RpcRequests.Returned.class);
            assertThat(redone).as(account + ": the redo ran once").hasSize(1);
            if (remedy == OrphanRemedy.EXPIRATION) {
                assertThat(redone.get(0).at()).as(account + ": the rebooted client waited T before calling")
                        .isGreaterThanOrEqualTo(reboot + config.quantum().toNanos());
            }
            if (!mine.isEmpty() && mine.get(0).at() >= bound) late++;
            if (!mine.isEmpty()) duplicated++;
        }
        if (remedy == OrphanRemedy.NONE) {
            assertThat(late).as("orphans ran on and applied their effects after the reboot").isPositive();
            assertThat(duplicated).as("the redo duplicated them").isPositive();
        } else {
            assertThat(late).as("orphan effects after the remedy's bound (crash at %d ms, reboot at %d ms, bound %d ms): %s",
                    RpcCluster.ms(crash), RpcCluster.ms(reboot), RpcCluster.ms(bound), c.effects).isZero();
        }
        totals[0] += orphans;
        totals[1] += late;
        totals[2] += duplicated;
    }
}
