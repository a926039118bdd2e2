package dsys.time.ntp;

import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.core.SyncDone;
import dsys.time.core.TimeConfig;
import dsys.time.ntp.NtpRound.Exchange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * NTP's clock filter and selection: each server's last 8 samples are kept and the minimum-delay one is its best;
 * when a round's exchanges are over, the system peer is chosen by stratum, then delay, among the servers that
 * answered this round and do not take their time from us (no loops), and the clock is corrected by its offset.
 * <p>
 * Error bound (root distance, as NTP's rootdelay/2 + rootdisp): the server's own root distance + δ/2 + 2ρ·(δ +
 * sample age).
 */
final class ClockSelection {

    private final NodeContext ctx;
    private final NtpSystem system;
    private final Map<NodeId, ClockFilter> filters = new TreeMap<>();

    ClockSelection(NodeContext ctx, NtpSystem system) {
        this.ctx = ctx;
        this.system = system;
    }

    void record(NtpRound r, Exchange ex, NtpSample s) {
        ex.answered = true;
        filters.computeIfAbsent(ex.peer, k -> new ClockFilter()).add(s);
        ctx.emit("time.ntp.sample", r.start == null ? null : r.start.round(), Map.of("server", ex.peer.value(),
                "offsetNanos", s.offset(), "delayNanos", s.delay(), "stratum", s.stratum()));
    }

    /** Any algorithm moved our clock by Δ: stored offsets shrink by Δ. */
    void shift(long delta) {
        filters.values().forEach(f -> f.shift(delta));
    }

    /** Once every exchange of the round is over: choose the system peer and correct the clock, or report why not. */
    void maybeFinish(NtpRound r) {
        if (r.finished || r.start == null || !r.allExchangesDone()) return;
        String round = r.start.round();
        if (system.reference()) {
            r.done(ctx, SyncDone.skipped(round, ctx.self().value(), "reference clock (stratum 1)"));
            return;
        }
        boolean symmetric = NtpMode.SYMMETRIC.equals(r.start.mode());
        List<Map.Entry<NodeId, NtpSample>> candidates = candidates(r, symmetric);
        if (candidates.isEmpty()) {
            if (!symmetric) system.unsynchronize();
            ctx.emit("time.ntp.unsynchronized", round, Map.of("stratum", system.stratum()));
            r.done(ctx, SyncDone.skipped(round, ctx.self().value(), symmetric ? "no peer of a better stratum" : "no usable server"));
            return;
        }
        NodeId server = candidates.get(0).getKey();
        NtpSample s = candidates.get(0).getValue();
        long now = ctx.now();
        long bound = s.serverRootDistance() + s.delay() / 2
                + (long) Math.ceil(2 * ctx.rho() * (s.delay() + Math.max(0, now - s.at()))) + TimeConfig.SLACK_NANOS;
        long theta = s.offset();
        ctx.adjust(theta);
        system.follow(server, s.stratum(), s.serverRootDelay() + s.delay(), bound);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("server", server.value());
        detail.put("stratum", system.stratum());
        detail.put("offsetNanos", theta);
        detail.put("delayNanos", s.delay());
        detail.put("candidates", candidates.stream().map(e -> e.getKey().value()).toList());
        detail.put("unanswered", r.exchanges.values().stream().filter(e -> !e.answered).map(e -> e.peer.value()).toList());
        ctx.emit("time.ntp.adjust", round, Map.of("deltaNanos", theta, "server", server.value(),
                "stratum", system.stratum(), "delayNanos", s.delay()));
        r.done(ctx, new SyncDone(round, ctx.self().value(), true, theta, bound, detail));
    }

    /** The servers that may be the system peer, best first. */
    private List<Map.Entry<NodeId, NtpSample>> candidates(NtpRound r, boolean symmetric) {
        List<Map.Entry<NodeId, NtpSample>> candidates = new ArrayList<>();
        for (Exchange ex : r.exchanges.values()) {
            if (!ex.answered) continue; // unreachable this round: its old samples do not make it a candidate
            Optional<NtpSample> best = filters.get(ex.peer).best();
            if (best.isEmpty()) continue;
            NtpSample s = best.get();
            if (s.stratum() >= NtpMode.UNSYNCHRONIZED) continue;
            if (ctx.self().value().equals(s.refNode())) continue; // it takes its time from us: a loop
            if (symmetric && s.stratum() >= system.stratum()) continue;   // a peer only follows a better stratum
            candidates.add(Map.entry(ex.peer, s));
        }
        candidates.sort(Comparator.<Map.Entry<NodeId, NtpSample>>comparingInt(e -> e.getValue().stratum())
                .thenComparingLong(e -> e.getValue().delay()).thenComparing(Map.Entry::getKey));
        return candidates;
    }
}
