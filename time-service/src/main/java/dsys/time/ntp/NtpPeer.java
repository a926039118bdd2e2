package dsys.time.ntp;

import dsys.core.env.TimerId;
import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.core.Recent;
import dsys.time.core.SyncDone;
import dsys.time.core.TimeConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One node's NTP (notes §4.5, RFC 5905 reduced to what the notes teach). Stratum 1 is a reference clock; any
 * other node's stratum is its system peer's plus one, or 16 (unsynchronized) when it has none. Each server's last
 * 8 samples are kept and the minimum-delay one is its best; the system peer is chosen by stratum, then delay,
 * among the servers that answered this round and do not take their time from us (no loops). So when a stratum-1
 * server fails its clients re-parent, and strata are recomputed as the new parents' plus one.
 * <p>
 * Error bound (root distance, as NTP's rootdelay/2 + rootdisp): the server's own root distance + δ/2 + 2ρ·(δ +
 * sample age) + what ρ adds as time passes since the update.
 */
public final class NtpPeer {

    public record ExchangeTimeout(String round, String peer, int seq) {
    }

    public record BroadcastTimeout(String round) {
    }

    private static final class Exchange {
        final NodeId peer;
        int sent;
        int seq;
        boolean awaiting;
        boolean done;
        boolean answered;
        int lost;
        long lastXmt;
        TimerId timer;

        Exchange(NodeId peer) {
            this.peer = peer;
        }
    }

    private static final class Round {
        NtpStart start;
        final Map<NodeId, Exchange> exchanges = new TreeMap<>();
        boolean finished;
        NodeId earlyFrom;
        NtpMessage early;
        TimerId timer;
    }

    private final NodeContext ctx;
    private final NtpServerState published;
    private final Map<NodeId, ClockFilter> filters = new TreeMap<>();
    private final Map<String, Round> rounds = Recent.map(16);
    private boolean reference;
    private int stratum;
    private NodeId parent;
    private long rootDelay;
    private long rootDispersion;  // at lastUpdate; grows by ρ per unit of time after it
    private long lastUpdate;      // corrected clock at the last NTP update
    private long refTimeHw;       // hardware clock at the last correction (the reference timestamp)

    public NtpPeer(NodeContext ctx, NtpServerState published, boolean reference) {
        this.ctx = ctx;
        this.published = published;
        this.refTimeHw = ctx.clock().nanos();
        this.lastUpdate = ctx.now();
        setReference(reference);
    }

    // ------------------------------------------------------------------ state

    public int stratum() {
        return stratum;
    }

    public NodeId parent() {
        return parent;
    }

    public boolean reference() {
        return reference;
    }

    /** A reference clock is stratum 1; losing it makes the node an ordinary (unsynchronized) client. */
    public void setReference(boolean ref) {
        reference = ref;
        stratum = ref ? 1 : NtpMode.UNSYNCHRONIZED;
        parent = null;
        rootDelay = 0;
        rootDispersion = 0;
        lastUpdate = ctx.now();
        publish();
    }

    /** How far this node's clock may be from true time now (NTP's root distance); huge when unsynchronized. */
    public long rootDistance() {
        if (reference) return 0;
        if (stratum >= NtpMode.UNSYNCHRONIZED) return Long.MAX_VALUE / 4;
        return rootDelay / 2 + dispersionNow();
    }

    private long dispersionNow() {
        return rootDispersion + (long) Math.ceil(ctx.rho() * Math.max(0, ctx.now() - lastUpdate));
    }

    /** Any algorithm moved our clock by Δ: stored offsets shrink by Δ, and the reference timestamp is now. */
    public void clockAdjusted(long delta) {
        filters.values().forEach(f -> f.shift(delta));
        refTimeHw = ctx.clock().nanos();
        publish();
    }

    private void publish() {
        published.set(new NtpServerState.Snapshot(stratum, parent == null ? null : parent.value(), rootDelay,
                reference ? 0 : rootDispersion, refTimeHw, reference));
    }

    private NtpMessage packet(String round, int mode, long org, long rec, int remaining) {
        long disp = stratum >= NtpMode.UNSYNCHRONIZED ? 0 : reference ? 0 : dispersionNow();
        return new NtpMessage(round, mode, org, rec, ctx.now(), stratum, parent == null ? null : parent.value(),
                reference ? 0 : rootDelay, disp, refTimeHw, remaining);
    }

    // ------------------------------------------------------------------ rounds

    public void start(NtpStart s) {
        Round r = rounds.computeIfAbsent(s.round(), k -> new Round());
        if (r.start != null) return;
        r.start = s;
        switch (s.mode()) {
            case NtpMode.CLIENT_SERVER -> startClient(r);
            case NtpMode.SYMMETRIC -> startSymmetric(r);
            case NtpMode.MULTICAST -> startMulticast(r);
            default -> done(r, SyncDone.skipped(s.round(), ctx.self().value(), "unknown mode " + s.mode()));
        }
    }

    public void onMessage(NodeId from, NtpMessage m) {
        switch (m.mode()) {
            case NtpMode.CLIENT -> serve(from, m);
            case NtpMode.SERVER -> onServerReply(from, m);
            case NtpMode.SYMMETRIC_ACTIVE, NtpMode.SYMMETRIC_PASSIVE -> onSymmetric(from, m);
            case NtpMode.BROADCAST -> onBroadcast(from, m);
            default -> { } // not a mode nodes use between themselves: dropped
        }
    }

    public void onTimeout(ExchangeTimeout t) {
        Round r = rounds.get(t.round());
        if (r == null || r.finished) return;
        Exchange ex = r.exchanges.get(NodeId.of(t.peer()));
        if (ex == null || ex.done || ex.seq != t.seq()) return;
        ex.awaiting = false;
        ex.lost++;
        if (r.start != null && NtpMode.CLIENT_SERVER.equals(r.start.mode()) && ex.sent < r.start.samples()) poll(r, ex);
        else ex.done = true;
        maybeFinish(r);
    }

    public void onTimeout(BroadcastTimeout t) {
        Round r = rounds.get(t.round());
        if (r != null && !r.finished) done(r, SyncDone.skipped(t.round(), ctx.self().value(), "no broadcast arrived"));
    }

    // ------------------------------------------------------------------ procedure-call mode

    private void startClient(Round r) {
        if (reference) {
            done(r, SyncDone.skipped(r.start.round(), ctx.self().value(), "reference clock (stratum 1)"));
            return;
        }
        for (NodeId server : servers()) {
            Exchange ex = new Exchange(server);
            r.exchanges.put(server, ex);
            poll(r, ex);
        }
        maybeFinish(r);
    }

    private List<NodeId> servers() {
        List<NodeId> configured = ctx.config().ntpServers().get(ctx.self());
        List<NodeId> all = configured != null ? configured : ctx.members().others(ctx.self());
        return all.stream().filter(n -> !n.equals(ctx.self())).toList();
    }

    private void poll(Round r, Exchange ex) {
        ex.sent++;
        ex.seq++;
        ex.awaiting = true;
        NtpMessage p = packet(r.start.round(), NtpMode.CLIENT, 0, 0, 0);
        ex.lastXmt = p.xmt();
        ctx.send(ex.peer, p);
        ctx.emit("time.ntp.poll", r.start.round(), Map.of("server", ex.peer.value(), "t1Nanos", p.xmt()));
        ex.timer = ctx.env().after(ctx.config().replyTimeout(), new ExchangeTimeout(r.start.round(), ex.peer.value(), ex.seq));
    }

    private void serve(NodeId client, NtpMessage m) {
        long t2 = ctx.now();
        NtpMessage reply = packet(m.round(), NtpMode.SERVER, m.xmt(), t2, 0);
        ctx.send(client, reply);
        ctx.emit("time.ntp.reply", m.round(), Map.of("client", client.value(), "stratum", stratum));
    }

    private void onServerReply(NodeId from, NtpMessage m) {
        long t4 = ctx.now();
        Round r = rounds.get(m.round());
        if (r == null || r.finished) return;
        Exchange ex = r.exchanges.get(from);
        // RFC 5905's bogus-packet test: a reply must echo the transmit time of the request still awaited.
        if (ex == null || !ex.awaiting || m.org() != ex.lastXmt) return;
        ex.awaiting = false;
        ctx.cancel(ex.timer);
        record(r, ex, NtpSample.of(m.org(), m.rec(), m.xmt(), t4, m));
        if (ex.sent < r.start.samples()) poll(r, ex);
        else ex.done = true;
        maybeFinish(r);
    }

    private void record(Round r, Exchange ex, NtpSample s) {
        ex.answered = true;
        filters.computeIfAbsent(ex.peer, k -> new ClockFilter()).add(s);
        ctx.emit("time.ntp.sample", r.start == null ? null : r.start.round(), Map.of("server", ex.peer.value(),
                "offsetNanos", s.offset(), "delayNanos", s.delay(), "stratum", s.stratum()));
    }

    // ------------------------------------------------------------------ symmetric mode

    private void startSymmetric(Round r) {
        for (NodeId peer : r.start.members()) {
            if (peer.equals(ctx.self())) continue;
            Exchange ex = r.exchanges.computeIfAbsent(peer, Exchange::new);
            if (ex.done) continue;
            // One exchange per pair: the lower id opens it; 2k+1 packets give each side k samples.
            if (ctx.self().compareTo(peer) < 0 && ex.lastXmt == 0) {
                sendSymmetric(r.start.round(), ex, NtpMode.SYMMETRIC_ACTIVE, 0, 0, 2 * r.start.samples());
            } else {
                rearm(r.start.round(), ex);
            }
        }
        maybeFinish(r);
    }

    private void sendSymmetric(String round, Exchange ex, int mode, long org, long rec, int remaining) {
        NtpMessage p = packet(round, mode, org, rec, remaining);
        ex.lastXmt = p.xmt();
        ctx.send(ex.peer, p);
        ctx.emit("time.ntp.poll", round, Map.of("peer", ex.peer.value(), "mode", NtpMode.name(mode)));
        rearm(round, ex);
    }

    private void rearm(String round, Exchange ex) {
        ctx.cancel(ex.timer);
        ex.seq++;
        ex.timer = ctx.env().after(ctx.config().replyTimeout(), new ExchangeTimeout(round, ex.peer.value(), ex.seq));
    }

    private void onSymmetric(NodeId from, NtpMessage m) {
        long arrived = ctx.now();
        Round r = rounds.computeIfAbsent(m.round(), k -> new Round());
        if (r.finished) return;
        Exchange ex = r.exchanges.computeIfAbsent(from, Exchange::new);
        if (ex.done) return;
        if (m.org() == 0 ? ex.lastXmt != 0 : m.org() != ex.lastXmt) return; // duplicate or stale: bogus
        if (m.org() != 0) record(r, ex, NtpSample.of(m.org(), m.rec(), m.xmt(), arrived, m));
        if (m.remaining() > 0) {
            int mode = m.mode() == NtpMode.SYMMETRIC_ACTIVE ? NtpMode.SYMMETRIC_PASSIVE : NtpMode.SYMMETRIC_ACTIVE;
            sendSymmetric(m.round(), ex, mode, m.xmt(), arrived, m.remaining() - 1);
            if (m.remaining() - 1 == 0) finishExchange(ex);
        } else {
            finishExchange(ex);
        }
        if (r.start != null) maybeFinish(r);
    }

    private void finishExchange(Exchange ex) {
        ex.done = true;
        ctx.cancel(ex.timer);
    }

    // ------------------------------------------------------------------ multicast mode

    private void startMulticast(Round r) {
        NtpStart s = r.start;
        if (ctx.self().equals(s.broadcaster())) {
            for (NodeId m : s.members()) {
                if (m.equals(ctx.self())) continue;
                ctx.send(m, packet(s.round(), NtpMode.BROADCAST, 0, 0, 0));
            }
            ctx.emit("time.ntp.broadcast", s.round(), Map.of("stratum", stratum));
            done(r, SyncDone.skipped(s.round(), ctx.self().value(), "broadcaster"));
            return;
        }
        if (r.early != null) {
            onBroadcast(r.earlyFrom, r.early);
            return;
        }
        r.timer = ctx.env().after(ctx.config().replyTimeout(), new BroadcastTimeout(s.round()));
    }

    private void onBroadcast(NodeId from, NtpMessage m) {
        Round r = rounds.computeIfAbsent(m.round(), k -> new Round());
        if (r.finished) return;
        if (r.start == null) { // the packet overtook our start: keep it until we know the round
            r.early = m;
            r.earlyFrom = from;
            return;
        }
        ctx.cancel(r.timer);
        if (reference || m.stratum() >= NtpMode.UNSYNCHRONIZED) {
            done(r, SyncDone.skipped(m.round(), ctx.self().value(), reference ? "reference clock" : "broadcaster unsynchronized"));
            return;
        }
        long d = r.start.delayEstimateNanos();
        long delta = m.xmt() + d - ctx.now();
        long dmax = ctx.config().maxDelayNanos();
        long epsilon = Math.max(d, dmax - d) + (long) Math.ceil(ctx.rho() * dmax);
        long serverDistance = m.rootDelay() / 2 + m.rootDispersion();
        long bound = serverDistance + epsilon + TimeConfig.SLACK_NANOS;
        ctx.adjust(delta);
        become(from, m.stratum(), m.rootDelay() + 2 * d, bound);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("server", from.value());
        detail.put("stratum", stratum);
        detail.put("delayEstimateNanos", d);
        ctx.emit("time.ntp.adjust", m.round(), Map.of("deltaNanos", delta, "server", from.value(), "stratum", stratum));
        done(r, new SyncDone(m.round(), ctx.self().value(), true, delta, bound, detail));
    }

    // ------------------------------------------------------------------ selection

    private void maybeFinish(Round r) {
        if (r.finished || r.start == null) return;
        if (!r.exchanges.values().stream().allMatch(e -> e.done)) return;
        String round = r.start.round();
        if (reference) {
            done(r, SyncDone.skipped(round, ctx.self().value(), "reference clock (stratum 1)"));
            return;
        }
        boolean symmetric = NtpMode.SYMMETRIC.equals(r.start.mode());
        List<Map.Entry<NodeId, NtpSample>> candidates = new ArrayList<>();
        for (Exchange ex : r.exchanges.values()) {
            if (!ex.answered) continue; // unreachable this round: its old samples do not make it a candidate
            Optional<NtpSample> best = filters.get(ex.peer).best();
            if (best.isEmpty()) continue;
            NtpSample s = best.get();
            if (s.stratum() >= NtpMode.UNSYNCHRONIZED) continue;
            if (ctx.self().value().equals(s.refNode())) continue; // it takes its time from us: a loop
            if (symmetric && s.stratum() >= stratum) continue;   // a peer only follows a better stratum
            candidates.add(Map.entry(ex.peer, s));
        }
        candidates.sort(Comparator.<Map.Entry<NodeId, NtpSample>>comparingInt(e -> e.getValue().stratum())
                .thenComparingLong(e -> e.getValue().delay()).thenComparing(Map.Entry::getKey));
        if (candidates.isEmpty()) {
            if (!symmetric) {
                stratum = NtpMode.UNSYNCHRONIZED;
                parent = null;
                publish();
            }
            ctx.emit("time.ntp.unsynchronized", round, Map.of("stratum", stratum));
            done(r, SyncDone.skipped(round, ctx.self().value(), symmetric ? "no peer of a better stratum" : "no usable server"));
            return;
        }
        NodeId server = candidates.get(0).getKey();
        NtpSample s = candidates.get(0).getValue();
        long now = ctx.now();
        long bound = s.serverRootDistance() + s.delay() / 2
                + (long) Math.ceil(2 * ctx.rho() * (s.delay() + Math.max(0, now - s.at()))) + TimeConfig.SLACK_NANOS;
        long theta = s.offset();
        ctx.adjust(theta);
        become(server, s.stratum(), s.serverRootDelay() + s.delay(), bound);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("server", server.value());
        detail.put("stratum", stratum);
        detail.put("offsetNanos", theta);
        detail.put("delayNanos", s.delay());
        detail.put("candidates", candidates.stream().map(e -> e.getKey().value()).toList());
        detail.put("unanswered", r.exchanges.values().stream().filter(e -> !e.answered).map(e -> e.peer.value()).toList());
        ctx.emit("time.ntp.adjust", round, Map.of("deltaNanos", theta, "server", server.value(),
                "stratum", stratum, "delayNanos", s.delay()));
        done(r, new SyncDone(round, ctx.self().value(), true, theta, bound, detail));
    }

    private void become(NodeId server, int serverStratum, long newRootDelay, long bound) {
        stratum = Math.min(NtpMode.UNSYNCHRONIZED, serverStratum + 1);
        parent = server;
        rootDelay = newRootDelay;
        rootDispersion = Math.max(0, bound - newRootDelay / 2);
        lastUpdate = ctx.now();
        publish();
    }

    private void done(Round r, SyncDone d) {
        r.finished = true;
        r.exchanges.values().forEach(e -> ctx.cancel(e.timer));
        ctx.cancel(r.timer);
        ctx.send(r.start.coordinator(), d);
    }
}
