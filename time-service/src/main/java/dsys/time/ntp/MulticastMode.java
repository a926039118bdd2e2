package dsys.time.ntp;

import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.core.SyncDone;
import dsys.time.core.TimeConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NTP's multicast mode: the reference sends its time to everybody once; a receiver adds the delay the survey
 * estimated and cannot measure its own, so its bound carries the whole delay uncertainty.
 */
final class MulticastMode {

    private final NodeContext ctx;
    private final NtpSystem system;

    MulticastMode(NodeContext ctx, NtpSystem system) {
        this.ctx = ctx;
        this.system = system;
    }

    void start(NtpRound r) {
        NtpStart s = r.start;
        if (ctx.self().equals(s.broadcaster())) {
            for (NodeId m : s.members()) {
                if (m.equals(ctx.self())) continue;
                ctx.send(m, system.packet(s.round(), NtpMode.BROADCAST, 0, 0, 0));
            }
            ctx.emit("time.ntp.broadcast", s.round(), Map.of("stratum", system.stratum()));
            r.done(ctx, SyncDone.skipped(s.round(), ctx.self().value(), "broadcaster"));
            return;
        }
        if (r.early != null) {
            onBroadcast(r, r.earlyFrom, r.early);
            return;
        }
        r.timer = ctx.env().after(ctx.config().replyTimeout(), new NtpPeer.BroadcastTimeout(s.round()));
    }

    void onBroadcast(NtpRound r, NodeId from, NtpMessage m) {
        if (r.start == null) { // the packet overtook our start: keep it until we know the round
            r.early = m;
            r.earlyFrom = from;
            return;
        }
        ctx.cancel(r.timer);
        if (system.reference() || m.stratum() >= NtpMode.UNSYNCHRONIZED) {
            r.done(ctx, SyncDone.skipped(m.round(), ctx.self().value(),
                    system.reference() ? "reference clock" : "broadcaster unsynchronized"));
            return;
        }
        long d = r.start.delayEstimateNanos();
        long delta = m.xmt() + d - ctx.now();
        long dmax = ctx.config().maxDelayNanos();
        long epsilon = Math.max(d, dmax - d) + (long) Math.ceil(ctx.rho() * dmax);
        long serverDistance = m.rootDelay() / 2 + m.rootDispersion();
        long bound = serverDistance + epsilon + TimeConfig.SLACK_NANOS;
        ctx.adjust(delta);
        system.follow(from, m.stratum(), m.rootDelay() + 2 * d, bound);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("server", from.value());
        detail.put("stratum", system.stratum());
        detail.put("delayEstimateNanos", d);
        ctx.emit("time.ntp.adjust", m.round(), Map.of("deltaNanos", delta, "server", from.value(), "stratum", system.stratum()));
        r.done(ctx, new SyncDone(m.round(), ctx.self().value(), true, delta, bound, detail));
    }
}
