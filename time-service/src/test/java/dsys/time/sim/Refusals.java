package dsys.time.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.JournalEntry;
import dsys.time.sync.SyncCommand;
import dsys.time.sync.SyncResult;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Rounds refused with 503 because a node they need (the reference, the Berkeley daemon) looked unreachable, held
 * to what the fault model explains.
 * <p>
 * Per seed: the coordinator's survey asks every node in {@value #ATTEMPTS} attempts, each a query and a reply, and
 * the network's delays (under 50 ms) are far under the reply timeout (1 s), so only a lost message fails an attempt. A
 * refusal is explained only when the seed's journal shows at least {@value #ATTEMPTS} messages lost between the
 * coordinator and the needed node since the round began; anything else fails the seed.
 * <p>
 * Over the run: with loss p a message is lost with probability p (a duplicate only helps), so an attempt fails with
 * probability a ≤ 1 − (1 − p)² and a survey misses a node with q ≤ a² (p = 5 %: a = 9.75 %, q = 0.95 %). Over E
 * eligible rounds (faults on, the coordinator is not itself the needed node) refusals are at most Binomial(E, q):
 * more than ⌈E·q + 4·√(E·q·(1 − q))⌉ means something besides loss refuses rounds.
 */
final class Refusals {

    static final int ATTEMPTS = 2;
    private final String name;
    private int eligible;
    private int refused;
    private double expected;
    private double variance;

    Refusals(String name) {
        this.name = name;
    }

    /**
     * Runs one round from {@code coordinator}; {@code needed} is the node whose silence refuses it, null when nothing
     * may refuse it. Returns null for an explained refusal, and fails the seed for any other.
     */
    SyncResult run(SimCluster c, NodeId coordinator, SyncCommand cmd, boolean faults, NodeId needed) {
        boolean mayRefuse = faults && needed != null && !needed.equals(coordinator);
        if (mayRefuse) {
            double a = 1 - Math.pow(1 - c.loss, 2);
            double q = Math.pow(a, ATTEMPTS);
            eligible++;
            expected += q;
            variance += q * (1 - q);
        }
        long since = c.sim.now();
        SyncResult r = c.syncOrUnavailable(coordinator, cmd, mayRefuse);
        if (r != null) return r;
        long lost = lostBetween(c, coordinator, needed, since);
        Bounds.check(lost >= ATTEMPTS, name + ": refused, yet only " + lost + " message(s) between " + coordinator
                + " and " + needed + " were lost; each of the " + ATTEMPTS + " attempts needs one", c, cmd);
        refused++;
        return null;
    }

    /** Messages between a and b (either way) sent since {@code since} that never arrived. */
    private static long lostBetween(SimCluster c, NodeId a, NodeId b, long since) {
        Set<String> arrived = new HashSet<>();
        for (JournalEntry e : c.sim.journal()) if (e.event().equals("receive")) arrived.add(e.msgId());
        return c.sim.journal().stream().filter(e -> e.event().equals("send") && e.time() >= since)
                .filter(e -> e.node().equals(a.value()) && e.peer().equals(b.value())
                        || e.node().equals(b.value()) && e.peer().equals(a.value()))
                .filter(e -> !arrived.contains(e.msgId())).count();
    }

    /** The run as a whole: no more refusals than loss explains, at four standard deviations. */
    void assertWithinFaultModel() {
        long bound = (long) Math.ceil(expected + 4 * Math.sqrt(variance));
        System.out.println(this + ", bound " + bound);
        if (refused > bound) {
            throw new AssertionError(this + ": more than the bound " + bound + " that message loss explains");
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SIM %s: %d rounds refused with 503 (a needed node looked down) of %d that "
                + "could be, %.1f expected from message loss", name, refused, eligible, expected);
    }
}
