package dsys.time.averaging;

import dsys.core.env.TimerId;
import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.core.Recent;
import dsys.time.core.SyncDone;
import dsys.time.core.TimeConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The decentralized averaging algorithm (notes §4.4) for one node. Interval i begins at T0 + i·R by the node's
 * own clock: it broadcasts its time, collects the others' broadcasts until all arrived or the window closes,
 * estimates each clock, discards the m highest and m lowest, and moves its clock by the mean (itself at 0).
 * <p>
 * Propagation (the notes' "估算传播时间" variant): a broadcast from j observed at i gives a_ij = C_j(send) −
 * C_i(receive) = (o_j − o_i) − d_ji. When j also reports the a_ji it observed of i, (a_ij − a_ji)/2 cancels the
 * delay up to its asymmetry, |d_ji − d_ij|/2 ≤ dmax/2; otherwise a_ij + d̂ (d̂ from the coordinator's survey) is
 * wrong by at most max(d̂, dmax − d̂). With several broadcasts per interval the fastest (largest a) is kept.
 * <p>
 * Bound: estimates off by at most E_i (that error plus 2ρ·age); two nodes that heard everybody average the same
 * clocks, so they end within E_i + E_k of each other. A node that missed someone reports {@code complete=false}:
 * its correction still lands inside the hull of the clocks, but no pairwise bound.
 */
public final class AveragingRound {

    public record Begin(String round, int interval) {
    }

    public record Rebroadcast(String round, int interval) {
    }

    public record WindowEnd(String round, int interval) {
    }

    private static final class Interval {
        boolean begun;
        boolean finished;
        int sent;
        long begunAt;
        long firstHeard = Long.MAX_VALUE;
        TimerId window;
        TimerId rebroadcast;
        final Map<NodeId, Long> best = new TreeMap<>();      // max a_ij: the fastest broadcast from j
        final Map<NodeId, Integer> heard = new TreeMap<>();
        final Map<NodeId, Long> reported = new TreeMap<>();  // a_ji as j reported it
    }

    private static final class Round {
        AveragingStart setup;
        final Map<Integer, Interval> intervals = new TreeMap<>();
        long total;
        boolean done;
    }

    private final NodeContext ctx;
    private final Map<String, Round> rounds = Recent.map(16);

    public AveragingRound(NodeContext ctx) {
        this.ctx = ctx;
    }

    private Interval interval(String round, int i) {
        return rounds.computeIfAbsent(round, r -> new Round()).intervals.computeIfAbsent(i, k -> new Interval());
    }

    public void start(AveragingStart s) {
        Round r = rounds.computeIfAbsent(s.round(), k -> new Round());
        if (r.setup != null) return;
        r.setup = s;
        schedule(r, 0);
    }

    private void schedule(Round r, int i) {
        long at = r.setup.t0() + i * r.setup.periodNanos();
        ctx.env().after(Duration.ofNanos(Math.max(0, at - ctx.now())), new Begin(r.setup.round(), i));
    }

    public void onBegin(Begin b) {
        Round r = rounds.get(b.round());
        Interval st = interval(b.round(), b.interval());
        if (r == null || r.setup == null || st.begun) return;
        st.begun = true;
        st.begunAt = ctx.now();
        broadcast(r, b.interval(), st);
        st.window = ctx.env().after(Duration.ofNanos(r.setup.windowNanos()), new WindowEnd(b.round(), b.interval()));
        maybeFinish(r, b.interval(), st);
    }

    public void onRebroadcast(Rebroadcast t) {
        Round r = rounds.get(t.round());
        Interval st = r == null ? null : r.intervals.get(t.interval());
        if (st == null || st.finished) return;
        broadcast(r, t.interval(), st);
        maybeFinish(r, t.interval(), st);
    }

    private void broadcast(Round r, int i, Interval st) {
        st.sent++;
        long clock = ctx.now();
        Map<String, Long> seen = new TreeMap<>();
        st.best.forEach((n, a) -> seen.put(n.value(), a));
        for (NodeId m : r.setup.members()) {
            if (!m.equals(ctx.self())) ctx.send(m, new AveragingBroadcast(r.setup.round(), i, st.sent, clock, seen));
        }
        ctx.emit("time.averaging.broadcast", r.setup.round(), Map.of("interval", i, "seq", st.sent, "clockNanos", clock));
        if (st.sent < r.setup.samples()) {
            st.rebroadcast = ctx.env().after(Duration.ofNanos(r.setup.gapNanos()), new Rebroadcast(r.setup.round(), i));
        }
    }

    /** Broadcasts may arrive before this node's own interval begins (its clock is behind): they are kept. */
    public void onBroadcast(NodeId from, AveragingBroadcast b) {
        Interval st = interval(b.round(), b.interval());
        if (st.finished) return;
        long now = ctx.now();
        st.firstHeard = Math.min(st.firstHeard, now);
        st.best.merge(from, b.clock() - now, Math::max);
        st.heard.merge(from, 1, Integer::sum);
        Long mine = b.seen().get(ctx.self().value());
        if (mine != null) st.reported.merge(from, mine, Math::max);
        ctx.emit("time.averaging.receive", b.round(), Map.of("from", from.value(), "interval", b.interval(), "clockNanos", b.clock()));
        Round r = rounds.get(b.round());
        if (r.setup != null) maybeFinish(r, b.interval(), st);
    }

    public void onWindowEnd(WindowEnd w) {
        Round r = rounds.get(w.round());
        Interval st = r == null ? null : r.intervals.get(w.interval());
        if (st != null && st.begun && !st.finished) finish(r, w.interval(), st);
    }

    private boolean heardAll(Round r, Interval st) {
        return r.setup.members().stream().filter(m -> !m.equals(ctx.self()))
                .allMatch(m -> st.heard.getOrDefault(m, 0) >= r.setup.samples());
    }

    private void maybeFinish(Round r, int i, Interval st) {
        if (st.begun && !st.finished && st.sent >= r.setup.samples() && heardAll(r, st)) finish(r, i, st);
    }

    private void finish(Round r, int i, Interval st) {
        st.finished = true;
        ctx.cancel(st.window);
        ctx.cancel(st.rebroadcast);
        AveragingStart s = r.setup;
        long now = ctx.now();
        double rho = ctx.rho();
        long dmax = ctx.config().maxDelayNanos();
        long d = s.delayEstimateNanos();
        long age = now - Math.min(st.begunAt, st.firstHeard) + dmax;
        List<Long> estimates = new ArrayList<>();
        estimates.add(0L);
        Map<String, Object> perNode = new TreeMap<>();
        long worst = 0;
        int paired = 0;
        for (Map.Entry<NodeId, Long> e : st.best.entrySet()) {
            if (!s.members().contains(e.getKey())) continue;
            Long back = st.reported.get(e.getKey());
            long est = back != null ? Math.floorDiv(e.getValue() - back, 2) : e.getValue() + d;
            long err = back != null ? (dmax + 1) / 2 : Math.max(d, dmax - d);
            if (back != null) paired++;
            worst = Math.max(worst, err);
            estimates.add(est);
            perNode.put(e.getKey().value(), est);
        }
        int n = s.members().size();
        int m = s.trim() >= 0 ? s.trim() : (n - 1) / 3;
        long delta = TrimmedMean.of(estimates, m);
        long bound = worst + (long) Math.ceil(rho * dmax + 2 * rho * age) + TimeConfig.SLACK_NANOS;
        ctx.adjust(delta);
        r.total += delta;
        shiftLaterIntervals(r, i, delta);
        boolean complete = heardAll(r, st);
        ctx.emit("time.averaging.adjust", s.round(), Map.of("interval", i, "deltaNanos", delta, "complete", complete));
        if (i + 1 < s.intervals()) {
            schedule(r, i + 1);
            return;
        }
        r.done = true;
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("heard", st.heard.size());
        detail.put("complete", complete);
        detail.put("trimmed", m);
        detail.put("intervals", s.intervals());
        detail.put("pairedDelayCorrections", paired);
        detail.put("delayEstimateNanos", d);
        detail.put("estimatesNanos", perNode);
        ctx.send(s.coordinator(), new SyncDone(s.round(), ctx.self().value(), true, r.total, bound, detail));
    }

    /** Observations already made for later intervals were against the clock before this correction. */
    private static void shiftLaterIntervals(Round r, int i, long delta) {
        r.intervals.forEach((k, st) -> {
            if (k <= i) return;
            st.best.replaceAll((n, a) -> a - delta);
            st.reported.replaceAll((n, a) -> a + delta);
        });
    }
}
