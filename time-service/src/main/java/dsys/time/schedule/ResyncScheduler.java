package dsys.time.schedule;

import dsys.core.env.Rejection;
import dsys.core.env.TimerId;
import dsys.core.node.NodeId;
import dsys.core.gather.Gathers;
import dsys.time.core.NodeContext;
import dsys.time.core.NodeStatus;
import dsys.time.core.StatusQuery;
import dsys.time.core.StatusReply;
import dsys.time.sync.SyncCommand;
import dsys.time.sync.SyncCoordinator;
import dsys.time.sync.SyncResult;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Resynchronizes every δ/(2ρ) (see {@link ResyncInterval}), recomputing ρ and the residual skew after each round. */
public final class ResyncScheduler {

    public record Tick(long generation) {
    }

    private static final long MAX_INTERVAL = Duration.ofHours(1).toNanos();

    private final NodeContext ctx;
    private final Gathers gathers;
    private final SyncCoordinator coordinator;
    private final Supplier<NodeStatus> selfStatus;
    private ScheduleInfo info;
    private long generation;
    private TimerId timer;

    public ResyncScheduler(NodeContext ctx, Gathers gathers, SyncCoordinator coordinator, Supplier<NodeStatus> selfStatus) {
        this.ctx = ctx;
        this.gathers = gathers;
        this.coordinator = coordinator;
        this.selfStatus = selfStatus;
        this.info = ScheduleInfo.none(ctx.self().value());
    }

    public ScheduleInfo info() {
        return info;
    }

    public void set(ScheduleSet s, Consumer<Object> answer) {
        if (s.maxSkewNanos() <= 0) {
            answer.accept(Rejection.badRequest("maxSkewMs must be positive, was " + s.maxSkewNanos() / 1e6));
            return;
        }
        gathers.ask(ctx.members().nodes(), id -> new StatusQuery(id, "schedule"),
                new StatusReply(null, "schedule", selfStatus.get(), Map.of(), coordinator.activeRound()), ctx.config().patience(), g -> {
                    double rho = maxDrift(g.replies().values().stream().map(StatusReply::status).toList());
                    long min = ctx.config().minScheduleInterval().toNanos();
                    ResyncInterval iv = ResyncInterval.of(s.maxSkewNanos(), rho, 0, 0, min, MAX_INTERVAL);
                    if (iv.notesIntervalNanos() < min) {
                        answer.accept(Rejection.badRequest(String.format(java.util.Locale.ROOT,
                                "maxSkewMs %.3f with drifts up to %.1f ppm needs a round every %.1f ms (δ/(2ρ)); "
                                        + "the shortest interval allowed is %d ms: allow more skew",
                                s.maxSkewNanos() / 1e6, rho, iv.notesIntervalNanos() / 1e6, min / 1_000_000)));
                        return;
                    }
                    ctx.members().others(ctx.self()).forEach(n -> ctx.send(n, new ScheduleCancel(ctx.self().value())));
                    info = new ScheduleInfo(true, ctx.self().value(), s.algorithm().wire(), s.maxSkewNanos(), rho,
                            iv.notesIntervalNanos(), iv.intervalNanos(), 0, 0);
                    ctx.emit("time.schedule.set", null, Map.of("algorithm", info.algorithm(),
                            "maxSkewNanos", s.maxSkewNanos(), "notesIntervalNanos", iv.notesIntervalNanos()));
                    arm(Duration.ZERO);
                    answer.accept(info);
                });
    }

    /** Stops here and everywhere else. */
    public ScheduleInfo stop() {
        ctx.members().others(ctx.self()).forEach(n -> ctx.send(n, new ScheduleCancel(ctx.self().value())));
        return stopLocally();
    }

    public void onCancel(NodeId from, ScheduleCancel c) {
        if (!c.by().equals(ctx.self().value())) stopLocally();
    }

    private ScheduleInfo stopLocally() {
        ScheduleInfo was = info;
        generation++;
        ctx.cancel(timer);
        if (was.active()) ctx.emit("time.schedule.stop", null, Map.of("rounds", was.rounds()));
        info = ScheduleInfo.none(ctx.self().value());
        return was;
    }

    private void arm(Duration d) {
        ctx.cancel(timer);
        timer = ctx.env().after(d, new Tick(++generation));
    }

    public void onTick(Tick t) {
        if (t.generation() != generation || !info.active()) return;
        if (coordinator.busy()) { // a manual round is running: the next tick comes soon
            arm(ctx.config().minScheduleInterval());
            return;
        }
        long gen = generation;
        coordinator.start(SyncCommand.of(dsys.time.sync.Algorithm.parse(info.algorithm()).orElseThrow()), r -> {
            if (gen != generation || !info.active()) return;
            if (r instanceof SyncResult res) next(res);
            else if (r instanceof Rejection rej && rej.status() == 409) arm(ctx.config().minScheduleInterval()); // another round ran
            else arm(Duration.ofNanos(Math.max(info.intervalNanos(), ctx.config().minScheduleInterval().toNanos())));
        });
    }

    private void next(SyncResult res) {
        double rho = maxDrift(res.after().nodes().values());
        ResyncInterval iv = ResyncInterval.of(info.maxSkewNanos(), rho, res.after().maxSkewNanos(),
                res.durationNanos(), ctx.config().minScheduleInterval().toNanos(), MAX_INTERVAL);
        info = new ScheduleInfo(true, info.node(), info.algorithm(), info.maxSkewNanos(), rho, iv.notesIntervalNanos(),
                iv.intervalNanos(), info.rounds() + 1, res.after().maxSkewNanos());
        ctx.emit("time.schedule.next", res.round(), Map.of("intervalNanos", iv.intervalNanos(), "rhoPpm", rho));
        arm(Duration.ofNanos(iv.intervalNanos()));
    }

    private static double maxDrift(Collection<NodeStatus> statuses) {
        return statuses.stream().filter(NodeStatus::reachable).mapToDouble(s -> Math.abs(s.driftPpm())).max().orElse(0);
    }
}
