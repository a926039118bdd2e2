package dsys.time.core;

import dsys.core.clock.DriftingClock;
import dsys.core.clock.PhysicalClock;
import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.gather.Gathers;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.time.averaging.AveragingBroadcast;
import dsys.time.averaging.AveragingRound;
import dsys.time.averaging.AveragingStart;
import dsys.time.berkeley.BerkeleyAdjust;
import dsys.time.berkeley.BerkeleyDaemon;
import dsys.time.berkeley.BerkeleyMember;
import dsys.time.berkeley.BerkeleyPoll;
import dsys.time.berkeley.BerkeleyStart;
import dsys.time.berkeley.BerkeleyTime;
import dsys.time.cristian.CristianClient;
import dsys.time.cristian.CristianReply;
import dsys.time.cristian.CristianRequest;
import dsys.time.cristian.CristianServer;
import dsys.time.cristian.CristianStart;
import dsys.time.logical.EventLog;
import dsys.time.logical.LoggedEvent;
import dsys.time.ntp.NtpMessage;
import dsys.time.ntp.NtpPeer;
import dsys.time.ntp.NtpServerState;
import dsys.time.ntp.NtpStart;
import dsys.time.schedule.ResyncScheduler;
import dsys.time.schedule.ScheduleCancel;
import dsys.time.schedule.ScheduleSet;
import dsys.time.schedule.ScheduleStop;
import dsys.time.sync.SyncCommand;
import dsys.time.sync.SyncCoordinator;
import dsys.time.sync.SyncResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The time service's one core per node: it dispatches to every algorithm's component, so one group ("time")
 * serves Cristian, Berkeley, averaging and NTP, and coordinates the rounds clients ask for. Clock state lives in
 * the node's hardware clock, which survives a crash; strata and filters are volatile and rebuilt by the next round.
 */
public final class TimeNodeCore implements Core {

    private final NodeContext ctx;
    private final Gathers gathers;
    private final CristianClient cristianClient;
    private final CristianServer cristianServer;
    private final BerkeleyDaemon berkeleyDaemon;
    private final BerkeleyMember berkeleyMember;
    private final AveragingRound averaging;
    private final NtpPeer ntp;
    private final SyncCoordinator coordinator;
    private final ResyncScheduler scheduler;
    private final Map<String, RequestId> clockSets = new HashMap<>();
    private long clockSetCounter;

    public TimeNodeCore(Env env, TimeConfig config) {
        this(env, config, new NtpServerState(), r -> { });
    }

    /** {@code published} is read by the UDP NTP server; {@code listener} sees every finished round (metrics). */
    public TimeNodeCore(Env env, TimeConfig config, NtpServerState published, Consumer<SyncResult> listener) {
        this.ctx = new NodeContext(env, config);
        this.gathers = new Gathers(env, ctx::send, ctx::now);
        this.cristianClient = new CristianClient(ctx);
        this.cristianServer = new CristianServer(ctx);
        this.berkeleyDaemon = new BerkeleyDaemon(ctx);
        this.berkeleyMember = new BerkeleyMember(ctx);
        this.averaging = new AveragingRound(ctx);
        this.ntp = new NtpPeer(ctx, published, config.references().contains(env.self()));
        this.coordinator = new SyncCoordinator(ctx, gathers, this::status, listener);
        this.scheduler = new ResyncScheduler(ctx, gathers, coordinator, this::status);
        ctx.onAdjust(ntp::clockAdjusted);
    }

    // ------------------------------------------------------------------ reads (host.read, tests)

    public NodeStatus status() {
        PhysicalClock c = ctx.clock();
        long reading = c.nanos();
        long offset = c.offsetNanos();
        return new NodeStatus(ctx.self().value(), true, reading, reading - offset, offset, c.pendingSlewNanos(),
                c.driftPpm(), ntp.stratum(), ntp.parent() == null ? null : ntp.parent().value(), ntp.reference(),
                ctx.env().logical().lamport());
    }

    public NowInfo now() {
        return new NowInfo(ctx.self().value(), ctx.clock().nanos(), ctx.env().logical().lamport(), ctx.env().logical().vector());
    }

    public NtpPeer ntp() {
        return ntp;
    }

    public dsys.time.schedule.ScheduleInfo schedule() {
        return scheduler.info();
    }

    public List<LoggedEvent> recentEvents(int limit) {
        return ctx.log().recent(limit);
    }

    // ------------------------------------------------------------------ requests

    @Override
    public void onRequest(RequestId id, Object body) {
        Consumer<Object> answer = r -> ctx.env().reply(id, r);
        if (body instanceof SyncCommand c) coordinator.start(c, answer);
        else if (body instanceof NodesQuery) gathers.ask(ctx.members().nodes(), g -> new StatusQuery(g, ""),
                new StatusReply(null, "", status(), Map.of(), coordinator.activeRound()), ctx.config().patience(), g -> answer.accept(
                        ctx.members().nodes().stream().map(n -> g.replies().containsKey(n) ? g.replies().get(n).status()
                                : NodeStatus.unreachable(n.value())).toList()));
        else if (body instanceof SetClock s) setClock(id, s);
        else if (body instanceof ScheduleSet s) scheduler.set(s, answer);
        else if (body instanceof ScheduleStop) answer.accept(scheduler.stop());
        else if (body instanceof OrderedEventsQuery q) gathers.ask(ctx.members().nodes(), g -> new EventsQuery(g, q.limitPerNode()),
                new EventsReply(null, recentEvents(q.limitPerNode())), ctx.config().patience(), g -> {
                    List<List<LoggedEvent>> lists = new ArrayList<>();
                    g.replies().values().forEach(r -> lists.add(r.events()));
                    answer.accept(EventLog.totalOrder(lists));
                });
        else answer.accept(Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
    }

    private void setClock(RequestId id, SetClock s) {
        NodeId target = NodeId.of(s.node());
        if (!ctx.members().contains(target)) {
            ctx.env().reply(id, new Rejection(404, "unknown-node", "Unknown node",
                    "no time node " + s.node() + "; members are " + ctx.members().nodes()));
            return;
        }
        if (target.equals(ctx.self())) {
            String error = applyClock(s.offsetNanos(), s.driftPpm(), s.reference());
            ctx.env().reply(id, error == null ? status() : Rejection.badRequest(error));
            return;
        }
        String tag = ctx.self().value() + "/" + ++clockSetCounter;
        clockSets.put(tag, id);
        ctx.send(target, new ClockSet(tag, s.offsetNanos(), s.driftPpm(), s.reference()));
        ctx.env().after(ctx.config().replyTimeout(), new ClockSetTimeout(tag, s.node()));
    }

    private record ClockSetTimeout(String tag, String node) {
    }

    /** Fault injection on this node's clock; null when applied, else what was wrong. */
    private String applyClock(Long offsetNanos, Double driftPpm, Boolean reference) {
        if (!(ctx.clock() instanceof DriftingClock clock)) return "this node's clock cannot be skewed";
        if (driftPpm != null) {
            try {
                DriftingClock.checkDrift(driftPpm);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        if (offsetNanos != null) {
            long before = clock.offsetNanos() + clock.pendingSlewNanos();
            clock.setOffsetNanos(offsetNanos);
            ntp.clockAdjusted(offsetNanos - before); // NTP's stored offsets follow the clock
        }
        if (driftPpm != null) clock.setDriftPpm(driftPpm);
        if (reference != null && reference != ntp.reference()) ntp.setReference(reference);
        Map<String, Object> f = new HashMap<>();
        if (offsetNanos != null) f.put("offsetNanos", offsetNanos);
        if (driftPpm != null) f.put("driftPpm", driftPpm);
        if (reference != null) f.put("reference", reference);
        ctx.emit("time.clock.set", null, f);
        return null;
    }

    // ------------------------------------------------------------------ messages

    @Override
    public void onMessage(NodeId from, Message m) {
        if (m instanceof StatusQuery q) ctx.send(from, new StatusReply(q.gather(), q.round(), status(), ctx.tally().of(q.round()), coordinator.activeRound()));
        else if (m instanceof StatusReply r) gathers.accept(r.gather(), from, r);
        else if (m instanceof EventsQuery q) ctx.send(from, new EventsReply(q.gather(), recentEvents(q.limit())));
        else if (m instanceof EventsReply r) gathers.accept(r.gather(), from, r);
        else if (m instanceof ClockSet c) {
            String error = applyClock(c.offsetNanos(), c.driftPpm(), c.reference());
            ctx.send(from, new ClockSetAck(c.tag(), error == null ? status() : null, error));
        } else if (m instanceof ClockSetAck a) {
            RequestId id = clockSets.remove(a.tag());
            if (id != null) ctx.env().reply(id, a.error() == null ? a.status() : Rejection.badRequest(a.error()));
        } else if (m instanceof SyncDone d) coordinator.onDone(from, d);
        else if (m instanceof CristianStart s) cristianClient.start(s);
        else if (m instanceof CristianRequest r) cristianServer.onRequest(from, r);
        else if (m instanceof CristianReply r) cristianClient.onReply(from, r);
        else if (m instanceof BerkeleyStart s) berkeleyDaemon.start(s);
        else if (m instanceof BerkeleyPoll p) berkeleyMember.onPoll(from, p);
        else if (m instanceof BerkeleyTime t) berkeleyDaemon.onTime(from, t);
        else if (m instanceof BerkeleyAdjust a) berkeleyMember.onAdjust(from, a);
        else if (m instanceof AveragingStart s) averaging.start(s);
        else if (m instanceof AveragingBroadcast b) averaging.onBroadcast(from, b);
        else if (m instanceof NtpStart s) ntp.start(s);
        else if (m instanceof NtpMessage p) ntp.onMessage(from, p);
        else if (m instanceof ScheduleCancel c) scheduler.onCancel(from, c);
        // anything else (another version's message?) is dropped, not fatal
    }

    // ------------------------------------------------------------------ timers

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof Loopback l) onMessage(ctx.self(), l.message());
        else if (gathers.handlesTimer(timer)) gathers.onTimer(timer);
        else if (timer instanceof ClockSetTimeout t) {
            RequestId id = clockSets.remove(t.tag());
            if (id != null) ctx.env().reply(id, Rejection.unavailable("time node " + t.node() + " did not answer"));
        } else if (timer instanceof CristianClient.ReplyTimeout t) cristianClient.onTimeout(t);
        else if (timer instanceof CristianServer.Processing p) cristianServer.answer(p);
        else if (timer instanceof BerkeleyDaemon.PollTimeout t) berkeleyDaemon.onTimeout(t);
        else if (timer instanceof AveragingRound.Begin b) averaging.onBegin(b);
        else if (timer instanceof AveragingRound.WindowEnd w) averaging.onWindowEnd(w);
        else if (timer instanceof AveragingRound.Rebroadcast b) averaging.onRebroadcast(b);
        else if (timer instanceof NtpPeer.ExchangeTimeout t) ntp.onTimeout(t);
        else if (timer instanceof NtpPeer.BroadcastTimeout t) ntp.onTimeout(t);
        else if (timer instanceof SyncCoordinator.RunTimeout t) coordinator.onTimeout(t);
        else if (timer instanceof ResyncScheduler.Tick t) scheduler.onTick(t);
    }
}
