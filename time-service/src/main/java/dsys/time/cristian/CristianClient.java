package dsys.time.cristian;

import dsys.core.env.TimerId;
import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.core.Recent;
import dsys.time.core.SyncDone;
import dsys.time.core.TimeConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cristian's algorithm, client side (notes §4.2): at T0 ask the server, at T1 get its time S and processing time
 * I, and target S + (T1 − T0 − I)/2. The reply spent between 0 and T1 − T0 − I in flight, so the error is at most
 * ±(T1 − T0 − I)/2 (plus what the clocks drift meanwhile). With several samples, the one with the smallest
 * T1 − T0 − I wins: it has the tightest bound.
 */
public final class CristianClient {

    public record ReplyTimeout(String round, int seq) {
    }

    private record Sample(long serverTime, long t0, long t1, long processing, long serverError) {
        long span() {
            return t1 - t0 - processing;
        }
    }

    private static final class Attempt {
        String round;
        NodeId coordinator;
        NodeId server;
        int samples;
        int seq;
        boolean awaiting;
        long t0;
        int lost;
        TimerId timer;
        Sample best;
    }

    private final NodeContext ctx;
    private final Map<String, Attempt> attempts = Recent.map(32);

    public CristianClient(NodeContext ctx) {
        this.ctx = ctx;
    }

    public void start(CristianStart s) {
        if (attempts.containsKey(s.round())) return; // a duplicated start
        Attempt a = new Attempt();
        a.round = s.round();
        a.coordinator = s.coordinator();
        a.server = s.server();
        a.samples = Math.max(1, s.samples());
        attempts.put(a.round, a);
        ask(a);
    }

    private void ask(Attempt a) {
        a.seq++;
        a.awaiting = true;
        a.t0 = ctx.now();
        ctx.send(a.server, new CristianRequest(a.round, a.seq));
        ctx.emit("time.cristian.request", a.round, Map.of("server", a.server.value(), "t0Nanos", a.t0, "seq", a.seq));
        a.timer = ctx.env().after(ctx.config().replyTimeout(), new ReplyTimeout(a.round, a.seq));
    }

    public void onReply(NodeId from, CristianReply r) {
        Attempt a = attempts.get(r.round());
        // Late, duplicated or foreign replies would corrupt T1 − T0: only the awaited one counts.
        if (a == null || !a.awaiting || r.seq() != a.seq || !from.equals(a.server)) return;
        long t1 = ctx.now();
        a.awaiting = false;
        ctx.cancel(a.timer);
        Sample s = new Sample(r.serverTime(), a.t0, t1, r.processingNanos(), r.serverErrorNanos());
        if (a.best == null || s.span() < a.best.span()) a.best = s;
        next(a);
    }

    public void onTimeout(ReplyTimeout t) {
        Attempt a = attempts.get(t.round());
        if (a == null || !a.awaiting || a.seq != t.seq()) return;
        a.awaiting = false;
        a.lost++;
        next(a);
    }

    private void next(Attempt a) {
        if (a.seq < a.samples) {
            ask(a);
            return;
        }
        finish(a);
    }

    private void finish(Attempt a) {
        Sample b = a.best;
        if (b == null) {
            ctx.emit("time.cristian.failed", a.round, Map.of("server", a.server.value(), "lost", a.lost));
            ctx.send(a.coordinator, SyncDone.skipped(a.round, ctx.self().value(), "no reply from " + a.server));
            return;
        }
        long half = Math.max(0, b.span()) / 2;
        long target = b.serverTime + half;          // the server's time at our T1
        long delta = target - b.t1;                 // still right later: both clocks have moved on alike
        long rtt = b.t1 - b.t0;
        double rho = ctx.rho();
        long bound = half + b.serverError + (long) Math.ceil(2 * rho * rtt + 2 * rho * (ctx.now() - b.t1))
                + TimeConfig.SLACK_NANOS;
        ctx.adjust(delta);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("server", a.server.value());
        detail.put("rttNanos", rtt);
        detail.put("processingNanos", b.processing);
        detail.put("samples", a.seq);
        detail.put("lost", a.lost);
        ctx.emit("time.cristian.adjust", a.round, Map.of("deltaNanos", delta, "errorBoundNanos", bound,
                "rttNanos", rtt, "processingNanos", b.processing));
        ctx.send(a.coordinator, new SyncDone(a.round, ctx.self().value(), true, delta, bound, detail));
    }
}
