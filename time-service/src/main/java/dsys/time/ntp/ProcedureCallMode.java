package dsys.time.ntp;

import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.core.SyncDone;
import dsys.time.ntp.NtpRound.Exchange;

import java.util.List;
import java.util.Map;

/** NTP's procedure-call (client-server) mode: a client polls each of its servers k times, a server answers. */
final class ProcedureCallMode {

    private final NodeContext ctx;
    private final NtpSystem system;
    private final ClockSelection selection;

    ProcedureCallMode(NodeContext ctx, NtpSystem system, ClockSelection selection) {
        this.ctx = ctx;
        this.system = system;
        this.selection = selection;
    }

    void start(NtpRound r) {
        if (system.reference()) {
            r.done(ctx, SyncDone.skipped(r.start.round(), ctx.self().value(), "reference clock (stratum 1)"));
            return;
        }
        for (NodeId server : servers()) {
            Exchange ex = new Exchange(server);
            r.exchanges.put(server, ex);
            poll(r, ex);
        }
        selection.maybeFinish(r);
    }

    private List<NodeId> servers() {
        List<NodeId> configured = ctx.config().ntpServers().get(ctx.self());
        List<NodeId> all = configured != null ? configured : ctx.members().others(ctx.self());
        return all.stream().filter(n -> !n.equals(ctx.self())).toList();
    }

    void poll(NtpRound r, Exchange ex) {
        ex.sent++;
        ex.seq++;
        ex.awaiting = true;
        NtpMessage p = system.packet(r.start.round(), NtpMode.CLIENT, 0, 0, 0);
        ex.lastXmt = p.xmt();
        ctx.send(ex.peer, p);
        ctx.emit("time.ntp.poll", r.start.round(), Map.of("server", ex.peer.value(), "t1Nanos", p.xmt()));
        ex.timer = ctx.env().after(ctx.config().replyTimeout(),
                new NtpPeer.ExchangeTimeout(r.start.round(), ex.peer.value(), ex.seq));
    }

    void serve(NodeId client, NtpMessage m) {
        long t2 = ctx.now();
        NtpMessage reply = system.packet(m.round(), NtpMode.SERVER, m.xmt(), t2, 0);
        ctx.send(client, reply);
        ctx.emit("time.ntp.reply", m.round(), Map.of("client", client.value(), "stratum", system.stratum()));
    }

    void onReply(NtpRound r, NodeId from, NtpMessage m, long t4) {
        Exchange ex = r.exchanges.get(from);
        // RFC 5905's bogus-packet test: a reply must echo the transmit time of the request still awaited.
        if (ex == null || !ex.awaiting || m.org() != ex.lastXmt) return;
        ex.awaiting = false;
        ctx.cancel(ex.timer);
        selection.record(r, ex, NtpSample.of(m.org(), m.rec(), m.xmt(), t4, m));
        if (ex.sent < r.start.samples()) poll(r, ex);
        else ex.done = true;
        selection.maybeFinish(r);
    }
}
