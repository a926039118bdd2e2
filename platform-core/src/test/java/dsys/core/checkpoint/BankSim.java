package dsys.core.checkpoint;

import dsys.core.checkpoint.CheckpointRequests.Pay;
import dsys.core.checkpoint.CheckpointRequests.View;
import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Bank processes bank-1..n (of one algorithm) in the simulator, every core watched by a {@link Recorder}, every
 * payment written in the test's {@link Ledger} before it is asked for.
 */
final class BankSim {

    static final long OPENING = 100;
    static final CheckpointTiming TIMING = new CheckpointTiming(Duration.ofMillis(20), Duration.ofMillis(150));

    final Simulation sim;
    final Recorder recorder = new Recorder();
    final Ledger ledger = new Ledger();
    final List<NodeId> banks = new ArrayList<>();
    final List<SimRequest> payments = new ArrayList<>();

    BankSim(long seed, int n) {
        sim = new Simulation(seed);
        for (int i = 1; i <= n; i++) {
            banks.add(NodeId.of("bank-" + i));
            ledger.open("bank-" + i, OPENING);
        }
    }

    BankSim add(NodeId id, Function<Env, Core> factory) {
        sim.add(id, recorder.wrap(factory));
        return this;
    }

    BankSim addBanks(Function<Env, Core> factory) {
        for (NodeId b : banks) add(b, factory);
        return this;
    }

    <C extends Core> C core(NodeId n) {
        return Recorder.inner(sim.core(n));
    }

    View view(NodeId n) {
        return this.<BankCore>core(n).view();
    }

    SimRequest pay(NodeId from, NodeId to, long amount) {
        return payAt(Duration.ofNanos(sim.now()), from, to, amount);
    }

    SimRequest payAt(Duration at, NodeId from, NodeId to, long amount) {
        Ledger.Issued i = ledger.issue(from.value(), to.value(), amount);
        SimRequest r = sim.requestAt(at, from, new Pay(i.id(), to.value(), amount));
        payments.add(r);
        return r;
    }

    /** {@code count} payments at random times in [from, to), between random processes, of 1..40. */
    void randomPayments(Random rnd, int count, int fromMs, int toMs) {
        for (int i = 0; i < count; i++) {
            NodeId a = banks.get(rnd.nextInt(banks.size()));
            NodeId b = banks.get((banks.indexOf(a) + 1 + rnd.nextInt(banks.size() - 1)) % banks.size());
            payAt(Duration.ofMillis(fromMs + rnd.nextInt(toMs - fromMs)), a, b, 1 + rnd.nextInt(40));
        }
    }

    void restartWhatIsDown() {
        for (NodeId n : sim.nodes()) if (!sim.isUp(n)) sim.restart(n);
    }

    /** Every process up, running, in one epoch, and every channel delivered up to what its sender sent. */
    boolean quiescent() {
        Map<NodeId, View> views = new TreeMap<>();
        for (NodeId b : banks) {
            if (!sim.isUp(b)) return false;
            View v = view(b);
            if (v.frozen() || v.epoch() != views.values().stream().findFirst().map(View::epoch).orElse(v.epoch())) return false;
            views.put(b, v);
        }
        for (NodeId from : banks) {
            for (NodeId to : banks) {
                if (from.equals(to)) continue;
                long sent = views.get(from).state().sent().get(to.value()).size();
                if (views.get(to).state().delivered().get(from.value()) != sent) return false;
            }
        }
        return true;
    }

    Map<String, ProcessState> currentStates() {
        TreeMap<String, ProcessState> cut = new TreeMap<>();
        for (NodeId b : banks) cut.put(b.value(), view(b).state());
        return cut;
    }

    /**
     * Once quiescent: the current states are consistent, nothing is left in transit (a transfer recorded as sent but
     * never delivered would be money lost), and the balances alone add up to all the money.
     */
    void assertSettled() {
        Map<String, ProcessState> now = currentStates();
        org.assertj.core.api.Assertions.assertThat(CutOracle.problems(now, ledger)).as("current states").isEmpty();
        for (String p : now.keySet()) {
            for (String q : now.keySet()) {
                if (!p.equals(q)) org.assertj.core.api.Assertions.assertThat(CutOracle.inTransit(now, p, q)).as(() -> "lost on " + p + "->" + q).isEmpty();
            }
        }
        org.assertj.core.api.Assertions.assertThat(now.values().stream().mapToLong(ProcessState::balance).sum()).as("balances").isEqualTo(ledger.total());
    }

    /** What a process has after a rollback to {@code cut} once the transfers in transit across it are delivered. */
    static ProcessState afterReplay(Map<String, ProcessState> cut, String node, Ledger ledger) {
        ProcessState s = cut.get(node);
        long balance = s.balance();
        TreeMap<String, List<String>> received = new TreeMap<>();
        for (String peer : cut.keySet()) {
            if (peer.equals(node)) continue;
            List<String> ids = new ArrayList<>(s.transfersReceivedFrom(peer));
            for (String id : CutOracle.inTransit(cut, peer, node)) {
                ids.add(id);
                balance += ledger.amount(id);
            }
            received.put(peer, ids);
        }
        return new ProcessState(balance, s.sent(), s.delivered(), received);
    }

    /** Balances, sent transfers and received transfers agree (the channel counters and markers aside). */
    static boolean sameMoney(ProcessState a, ProcessState b, Iterable<String> peers) {
        if (a.balance() != b.balance()) return false;
        for (String p : peers) {
            if (!a.transfersSentTo(p).equals(b.transfersSentTo(p))) return false;
            if (!a.transfersReceivedFrom(p).equals(b.transfersReceivedFrom(p))) return false;
        }
        return true;
    }
}
