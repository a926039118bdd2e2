package dsys.time.ntp;

import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.ntp.NtpRound.Exchange;

import java.util.Map;

/**
 * NTP's symmetric mode: one exchange per pair of peers, opened by the lower id; each packet answers the last one,
 * so 2k+1 packets give each side k samples. A peer only follows a better stratum (see {@link ClockSelection}).
 */
final class SymmetricMode {

    private final NodeContext ctx;
    private final NtpSystem system;
    private final ClockSelection selection;

    SymmetricMode(NodeContext ctx, NtpSystem system, ClockSelection selection) {
        this.ctx = ctx;
        this.system = system;
        this.selection = selection;
    }

    void start(NtpRound r) {
        for (NodeId peer : r.start.members()) {
            if (peer.equals(ctx.self())) continue;
            Exchange ex = r.exchanges.computeIfAbsent(peer, Exchange::new);
            if (ex.done) continue;
            if (ctx.self().compareTo(peer) < 0 && ex.lastXmt == 0) {
                send(r.start.round(), ex, NtpMode.SYMMETRIC_ACTIVE, 0, 0, 2 * r.start.samples());
            } else {
                rearm(r.start.round(), ex);
            }
        }
        selection.maybeFinish(r);
    }

    private void send(String round, Exchange ex, int mode, long org, long rec, int remaining) {
        NtpMessage p = system.packet(round, mode, org, rec, remaining);
        ex.lastXmt = p.xmt();
        ctx.send(ex.peer, p);
        ctx.emit("time.ntp.poll", round, Map.of("peer", ex.peer.value(), "mode", NtpMode.name(mode)));
        rearm(round, ex);
    }

    private void rearm(String round, Exchange ex) {
        ctx.cancel(ex.timer);
        ex.seq++;
        ex.timer = ctx.env().after(ctx.config().replyTimeout(), new NtpPeer.ExchangeTimeout(round, ex.peer.value(), ex.seq));
    }

    /** A packet of the exchange with {@code from}, which may come before this node's own start of the round. */
    void onPacket(NtpRound r, NodeId from, NtpMessage m, long arrived) {
        Exchange ex = r.exchanges.computeIfAbsent(from, Exchange::new);
        if (ex.done) return;
        if (m.org() == 0 ? ex.lastXmt != 0 : m.org() != ex.lastXmt) return; // duplicate or stale: bogus
        if (m.org() != 0) selection.record(r, ex, NtpSample.of(m.org(), m.rec(), m.xmt(), arrived, m));
        if (m.remaining() > 0) {
            int mode = m.mode() == NtpMode.SYMMETRIC_ACTIVE ? NtpMode.SYMMETRIC_PASSIVE : NtpMode.SYMMETRIC_ACTIVE;
            send(m.round(), ex, mode, m.xmt(), arrived, m.remaining() - 1);
            if (m.remaining() - 1 == 0) finish(ex);
        } else {
            finish(ex);
        }
        if (r.start != null) selection.maybeFinish(r);
    }

    private void finish(Exchange ex) {
        ex.done = true;
        ctx.cancel(ex.timer);
    }
}
