package dsys.time.ntp;

import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.core.Recent;
import dsys.time.core.SyncDone;

import java.util.Map;

/**
 * One node's NTP (notes §4.5, RFC 5905 reduced to what the notes teach): its system variables ({@link NtpSystem}),
 * the clock filter and selection ({@link ClockSelection}), and the three modes a round may run in (procedure
 * call, symmetric, multicast). When a stratum-1 server fails its clients re-parent, and strata are recomputed as
 * the new parents' plus one.
 */
public final class NtpPeer {

    public record ExchangeTimeout(String round, String peer, int seq) {
    }

    public record BroadcastTimeout(String round) {
    }

    private final NodeContext ctx;
    private final NtpSystem system;
    private final ClockSelection selection;
    private final ProcedureCallMode client;
    private final SymmetricMode symmetric;
    private final MulticastMode multicast;
    private final Map<String, NtpRound> rounds = Recent.map(16);

    public NtpPeer(NodeContext ctx, NtpServerState published, boolean reference) {
        this.ctx = ctx;
        this.system = new NtpSystem(ctx, published, reference);
        this.selection = new ClockSelection(ctx, system);
        this.client = new ProcedureCallMode(ctx, system, selection);
        this.symmetric = new SymmetricMode(ctx, system, selection);
        this.multicast = new MulticastMode(ctx, system);
    }

    public int stratum() {
        return system.stratum();
    }

    public NodeId parent() {
        return system.parent();
    }

    public boolean reference() {
        return system.reference();
    }

    /** A reference clock is stratum 1; losing it makes the node an ordinary (unsynchronized) client. */
    public void setReference(boolean ref) {
        system.setReference(ref);
    }

    /** How far this node's clock may be from true time now (NTP's root distance); huge when unsynchronized. */
    public long rootDistance() {
        return system.rootDistance();
    }

    /** Any algorithm moved our clock by Δ: stored offsets shrink by Δ, and the reference timestamp is now. */
    public void clockAdjusted(long delta) {
        selection.shift(delta);
        system.clockAdjusted();
    }

    public void start(NtpStart s) {
        NtpRound r = rounds.computeIfAbsent(s.round(), k -> new NtpRound());
        if (r.start != null) return;
        r.start = s;
        switch (s.mode()) {
            case NtpMode.CLIENT_SERVER -> client.start(r);
            case NtpMode.SYMMETRIC -> symmetric.start(r);
            case NtpMode.MULTICAST -> multicast.start(r);
            default -> r.done(ctx, SyncDone.skipped(s.round(), ctx.self().value(), "unknown mode " + s.mode()));
        }
    }

    /** Arrival times are read where a mode uses them, no more: each read rebases a slewing clock (rounding). */
    public void onMessage(NodeId from, NtpMessage m) {
        switch (m.mode()) {
            case NtpMode.CLIENT -> client.serve(from, m);
            case NtpMode.SERVER -> {
                long t4 = ctx.now();
                NtpRound r = rounds.get(m.round());
                if (r != null && !r.finished) client.onReply(r, from, m, t4);
            }
            case NtpMode.SYMMETRIC_ACTIVE, NtpMode.SYMMETRIC_PASSIVE -> {
                long arrived = ctx.now();
                NtpRound r = rounds.computeIfAbsent(m.round(), k -> new NtpRound());
                if (!r.finished) symmetric.onPacket(r, from, m, arrived);
            }
            case NtpMode.BROADCAST -> {
                NtpRound r = rounds.computeIfAbsent(m.round(), k -> new NtpRound());
                if (!r.finished) multicast.onBroadcast(r, from, m);
            }
            default -> { } // not a mode nodes use between themselves: dropped
        }
    }

    public void onTimeout(ExchangeTimeout t) {
        NtpRound r = rounds.get(t.round());
        if (r == null || r.finished) return;
        NtpRound.Exchange ex = r.exchanges.get(NodeId.of(t.peer()));
        if (ex == null || ex.done || ex.seq != t.seq()) return;
        ex.awaiting = false;
        ex.lost++;
        // a lost client-server sample is polled again while samples are due; a symmetric exchange ends
        if (r.start != null && NtpMode.CLIENT_SERVER.equals(r.start.mode()) && ex.sent < r.start.samples()) client.poll(r, ex);
        else ex.done = true;
        selection.maybeFinish(r);
    }

    public void onTimeout(BroadcastTimeout t) {
        NtpRound r = rounds.get(t.round());
        if (r != null && !r.finished) r.done(ctx, SyncDone.skipped(t.round(), ctx.self().value(), "no broadcast arrived"));
    }
}
