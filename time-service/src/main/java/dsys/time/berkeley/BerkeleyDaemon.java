package dsys.time.berkeley;

import dsys.core.env.TimerId;
import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.core.Recent;
import dsys.time.core.SyncDone;
import dsys.time.core.TimeConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Berkeley time daemon (notes §4.3): no clock is trusted, so it polls every machine, estimates each offset
 * against its own clock with round-trip compensation (reading + (RTT − I)/2 − own time), averages the offsets of
 * the clocks near the median (itself included, at 0), and sends each machine its own delta: average − its offset.
 * A machine's estimate is wrong by at most (RTT − I)/2, so two corrected clocks differ by at most the sum of
 * their two bounds (the daemon's is 0), plus drift. With several samples per machine the smallest RTT wins.
 */
public final class BerkeleyDaemon {

    public record PollTimeout(String round, String member, int seq) {
    }

    private record Estimate(long offset, long rtt, long processing, long receivedAt) {
        long span() {
            return rtt - processing;
        }
    }

    private static final class Member {
        int seq;
        boolean awaiting;
        boolean done;
        long t0;
        TimerId timer;
        Estimate best;
    }

    private static final class Round {
        String id;
        NodeId coordinator;
        int samples;
        final Map<NodeId, Member> members = new TreeMap<>();
        boolean finished;
    }

    private final NodeContext ctx;
    private final Map<String, Round> rounds = Recent.map(32);

    public BerkeleyDaemon(NodeContext ctx) {
        this.ctx = ctx;
    }

    public void start(BerkeleyStart s) {
        if (rounds.containsKey(s.round())) return;
        Round r = new Round();
        r.id = s.round();
        r.coordinator = s.coordinator();
        r.samples = Math.max(1, s.samples());
        rounds.put(r.id, r);
        for (NodeId m : s.members()) if (!m.equals(ctx.self())) r.members.put(m, new Member());
        r.members.keySet().forEach(m -> poll(r, m));
        if (r.members.isEmpty()) finish(r);
    }

    private void poll(Round r, NodeId m) {
        Member st = r.members.get(m);
        st.seq++;
        st.awaiting = true;
        st.t0 = ctx.now();
        ctx.send(m, new BerkeleyPoll(r.id, r.coordinator, st.seq));
        ctx.emit("time.berkeley.poll", r.id, Map.of("member", m.value(), "t0Nanos", st.t0));
        st.timer = ctx.env().after(ctx.config().replyTimeout(), new PollTimeout(r.id, m.value(), st.seq));
    }

    public void onTime(NodeId from, BerkeleyTime t) {
        Round r = rounds.get(t.round());
        Member st = r == null ? null : r.members.get(from);
        if (st == null || r.finished || !st.awaiting || t.seq() != st.seq) return; // late or duplicated
        long t1 = ctx.now();
        st.awaiting = false;
        ctx.cancel(st.timer);
        long span = Math.max(0, t1 - st.t0 - t.processingNanos());
        long offset = t.clock() + span / 2 - t1;
        Estimate e = new Estimate(offset, t1 - st.t0, t.processingNanos(), t1);
        if (st.best == null || e.span() < st.best.span()) st.best = e;
        ctx.emit("time.berkeley.reading", r.id, Map.of("member", from.value(), "offsetNanos", offset, "rttNanos", t1 - st.t0));
        next(r, from, st);
    }

    public void onTimeout(PollTimeout p) {
        Round r = rounds.get(p.round());
        Member st = r == null ? null : r.members.get(NodeId.of(p.member()));
        if (st == null || r.finished || !st.awaiting || st.seq != p.seq()) return;
        st.awaiting = false;
        next(r, NodeId.of(p.member()), st);
    }

    private void next(Round r, NodeId m, Member st) {
        if (st.seq < r.samples) {
            poll(r, m);
            return;
        }
        st.done = true;
        if (r.members.values().stream().allMatch(x -> x.done)) finish(r);
    }

    private void finish(Round r) {
        r.finished = true;
        Map<NodeId, Estimate> estimates = new TreeMap<>();
        r.members.forEach((n, m) -> {
            ctx.cancel(m.timer);
            if (m.best != null) estimates.put(n, m.best);
        });
        Map<String, Long> offsets = new TreeMap<>();
        offsets.put(ctx.self().value(), 0L);
        estimates.forEach((n, e) -> offsets.put(n.value(), e.offset));
        FaultTolerantAverage avg = FaultTolerantAverage.of(offsets, ctx.config().berkeleyMaxDeviationNanos());
        double rho = ctx.rho();
        Map<String, Object> bounds = new TreeMap<>();
        List<String> adjusted = new ArrayList<>();
        for (Map.Entry<NodeId, Estimate> e : estimates.entrySet()) {
            Estimate est = e.getValue();
            long delta = avg.average() - est.offset;
            long bound = Math.max(0, est.span()) / 2
                    + (long) Math.ceil(2 * rho * est.rtt + 2 * rho * (ctx.now() - est.receivedAt))
                    + TimeConfig.SLACK_NANOS;
            ctx.send(e.getKey(), new BerkeleyAdjust(r.id, r.coordinator, delta, bound));
            ctx.emit("time.berkeley.delta", r.id, Map.of("member", e.getKey().value(), "deltaNanos", delta));
            bounds.put(e.getKey().value(), bound);
            adjusted.add(e.getKey().value());
        }
        ctx.adjust(avg.average());
        ctx.emit("time.berkeley.adjust", r.id, Map.of("deltaNanos", avg.average(), "ignored", avg.ignored()));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("averageNanos", avg.average());
        detail.put("medianNanos", avg.median());
        detail.put("included", avg.included());
        detail.put("ignored", avg.ignored());
        detail.put("adjusted", adjusted);
        detail.put("memberBoundsNanos", bounds);
        detail.put("unanswered", r.members.keySet().stream().filter(n -> !estimates.containsKey(n)).map(NodeId::value).toList());
        detail.put("samples", r.samples);
        ctx.send(r.coordinator, new SyncDone(r.id, ctx.self().value(), true, avg.average(), 0, detail));
    }
}
