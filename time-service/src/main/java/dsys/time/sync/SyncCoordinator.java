package dsys.time.sync;

import dsys.core.env.Rejection;
import dsys.core.env.TimerId;
import dsys.core.gather.Gather;
import dsys.core.gather.Gathers;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.time.averaging.AveragingStart;
import dsys.time.berkeley.BerkeleyStart;
import dsys.time.core.NodeContext;
import dsys.time.core.NodeStatus;
import dsys.time.core.StatusQuery;
import dsys.time.core.StatusReply;
import dsys.time.core.SyncDone;
import dsys.time.cristian.CristianStart;
import dsys.time.ntp.NtpMode;
import dsys.time.ntp.NtpStart;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one synchronization round for a client of the service: survey every clock, start the algorithm on the
 * nodes it needs, wait for each node's report (or the round timeout), survey again, and answer with before,
 * after, the messages the algorithm cost (summed from every node's own count) and the bound it guarantees.
 * One round at a time per coordinator; rounds started by different nodes may overlap.
 */
public final class SyncCoordinator {

    public record RunTimeout(String round) {
    }

    private static final class Round {
        String id;
        SyncCommand command;
        String mode;
        int samples;
        Consumer<Object> answer;
        long startedAt;
        Map<NodeId, NodeStatus> before = new TreeMap<>();
        Gather<StatusReply> survey;
        final Map<String, SyncDone> dones = new TreeMap<>();
        final Set<String> expected = new TreeSet<>();
        final Deque<NodeId> ntpQueue = new ArrayDeque<>();
        NodeId ntpCurrent;
        long expectedMessages;
        String expectedRule;
        long control;
        TimerId timer;
        boolean surveyingAfter;
        long averagingSpan;
    }

    private final NodeContext ctx;
    private final Gathers gathers;
    private final Supplier<NodeStatus> selfStatus;
    private final Consumer<SyncResult> listener;
    private Round active;
    private long counter;

    public SyncCoordinator(NodeContext ctx, Gathers gathers, Supplier<NodeStatus> selfStatus, Consumer<SyncResult> listener) {
        this.ctx = ctx;
        this.gathers = gathers;
        this.selfStatus = selfStatus;
        this.listener = listener;
    }

    public boolean busy() {
        return active != null;
    }

    /** The round this node coordinates now, or null. */
    public String activeRound() {
        return active == null ? null : active.id;
    }

    /** Starts a round; {@code answer} gets a {@link SyncResult} or a {@link Rejection}. */
    public void start(SyncCommand cmd, Consumer<Object> answer) {
        if (active != null) {
            answer.accept(Rejection.conflict("sync-in-progress", "round " + active.id + " is still running on "
                    + ctx.self() + "; try again when it has answered"));
            return;
        }
        if (cmd.algorithm() == Algorithm.NTP && cmd.mode() != null && !NtpMode.SYNC_MODES.contains(cmd.mode())) {
            answer.accept(Rejection.badRequest("unknown NTP mode '" + cmd.mode() + "'; valid: " + NtpMode.SYNC_MODES));
            return;
        }
        Round r = new Round();
        r.id = ctx.self().value() + "." + ++counter + "." + Long.toHexString(ctx.env().random().nextLong() & 0xffffffL);
        r.command = cmd;
        r.mode = cmd.algorithm() == Algorithm.NTP ? (cmd.mode() == null ? NtpMode.CLIENT_SERVER : cmd.mode()) : null;
        int defaultSamples = cmd.algorithm() == Algorithm.NTP ? ctx.config().ntpSamples() : ctx.config().samples();
        r.samples = cmd.samples() == null ? defaultSamples : Math.max(1, Math.min(8, cmd.samples()));
        r.answer = answer;
        r.startedAt = ctx.env().nanoTime();
        active = r;
        ctx.emit("time.sync.start", r.id, Map.of("algorithm", cmd.algorithm().wire()));
        survey(r, g -> onBefore(r, g));
    }

    private void survey(Round r, Consumer<Gather<StatusReply>> then) {
        r.control += 2L * (ctx.members().size() - 1);
        gathers.ask(ctx.members().nodes(), id -> new StatusQuery(id, r.id),
                new StatusReply(null, r.id, selfStatus.get(), ctx.tally().of(r.id), r.id), ctx.config().patience(), then);
    }

    private void onBefore(Round r, Gather<StatusReply> g) {
        // One round at a time in the cluster: two rounds moving the same clocks would each read clocks the other is
        // correcting and correct them again. Every round's survey asks who coordinates one; two that start together
        // both see the other and both step back (a schedule tries again soon; a client gets 409 and retries).
        for (Map.Entry<NodeId, StatusReply> e : g.replies().entrySet()) {
            String other = e.getValue().coordinating();
            if (e.getKey().equals(ctx.self()) || other == null) continue;
            active = null;
            ctx.emit("time.sync.refused", r.id, Map.of("running", other, "coordinator", e.getKey().value()));
            r.answer.accept(Rejection.conflict("sync-in-progress", "round " + other + " is running, coordinated by "
                    + e.getKey() + "; one round at a time: try again when it has answered"));
            return;
        }
        r.survey = g;
        g.replies().forEach((n, rep) -> r.before.put(n, rep.status()));
        List<NodeId> up = new ArrayList<>(r.before.keySet());
        Rejection problem = switch (r.command.algorithm()) {
            case CRISTIAN -> launchCristian(r, up);
            case BERKELEY -> launchBerkeley(r, up);
            case AVERAGING -> launchAveraging(r, up, g);
            case NTP -> launchNtp(r, up, g);
        };
        if (problem != null) {
            active = null;
            r.answer.accept(problem);
            return;
        }
        Duration timeout = ctx.config().roundTimeout();
        if (r.command.algorithm() == Algorithm.AVERAGING) timeout = timeout.plus(Duration.ofNanos(r.averagingSpan));
        r.timer = ctx.env().after(timeout, new RunTimeout(r.id));
        checkComplete(r);
    }

    private Rejection launchCristian(Round r, List<NodeId> up) {
        NodeId server = up.stream().filter(n -> r.before.get(n).reference()).findFirst().orElse(null);
        if (server == null) return Rejection.unavailable("no reference clock (time server) is reachable among " + up);
        List<NodeId> clients = up.stream().filter(n -> !n.equals(server)).toList();
        for (NodeId c : clients) {
            r.expected.add(c.value());
            sendControl(c, new CristianStart(r.id, ctx.self(), server, r.samples));
        }
        expect(r, 2L * r.samples * clients.size(), "2 per client per sample: 2 × " + r.samples + " × " + clients.size());
        return null;
    }

    private Rejection launchBerkeley(Round r, List<NodeId> up) {
        NodeId daemon = ctx.config().berkeleyDaemon();
        if (!up.contains(daemon)) return Rejection.unavailable("the Berkeley time daemon " + daemon + " is unreachable");
        up.forEach(n -> r.expected.add(n.value()));
        sendControl(daemon, new BerkeleyStart(r.id, ctx.self(), up, r.samples));
        expect(r, (2L * r.samples + 1) * (up.size() - 1), "(2k+1)(n−1): k polls and replies, one delta per machine"
                + " (3(n−1) for k = 1); k = " + r.samples + ", n = " + up.size());
        return null;
    }

    private Rejection launchAveraging(Round r, List<NodeId> up, Gather<StatusReply> g) {
        long now = ctx.now();
        // The spread of the clocks, as the survey measured them: nodes behind begin their interval that much later.
        long lo = 0, hi = 0;
        for (NodeId n : up) {
            if (n.equals(ctx.self())) continue;
            StatusReply rep = g.replies().get(n);
            long est = rep.status().correctedClockNanos() + g.rtt(n) / 2 - g.receivedAt(n);
            lo = Math.min(lo, est);
            hi = Math.max(hi, est);
        }
        long spread = hi - lo;
        var cfg = ctx.config();
        long lead = cfg.averagingLead().toNanos();
        long window = cfg.averagingWindow().toNanos() + spread;
        long gap = cfg.averagingGap().toNanos();
        // The next interval must begin after this one ended everywhere: after the spread, the broadcasts, the window.
        long period = window + r.samples * gap + 2 * cfg.maxDelayNanos() + lead;
        int intervals = Math.max(1, cfg.averagingIntervals());
        r.averagingSpan = lead + spread + intervals * period;
        long t0 = now + lead;
        long delay = delayEstimate(up, g);
        up.forEach(n -> {
            r.expected.add(n.value());
            sendControl(n, new AveragingStart(r.id, ctx.self(), t0, period, intervals, r.samples, gap, window,
                    cfg.averagingTrim(), delay, up));
        });
        int n = up.size();
        expect(r, (long) intervals * r.samples * n * (n - 1), "n(n−1) per broadcast round: intervals × samples × n(n−1) = "
                + intervals + " × " + r.samples + " × " + n * (n - 1));
        return null;
    }

    /** Half the smallest round trip of the survey: the propagation delay the notes' variant corrects for. */
    private long delayEstimate(List<NodeId> up, Gather<StatusReply> g) {
        return up.stream().filter(n -> !n.equals(ctx.self())).mapToLong(g::rtt).filter(x -> x >= 0).min()
                .orElse(ctx.config().maxDelayNanos() * 2) / 2;
    }

    private Rejection launchNtp(Round r, List<NodeId> up, Gather<StatusReply> g) {
        NodeId reference = up.stream().filter(n -> r.before.get(n).reference()).findFirst().orElse(null);
        long delay = delayEstimate(up, g);
        switch (r.mode) {
            case NtpMode.CLIENT_SERVER -> {
                // Lower strata first, so that a stratum-3 node hears from an already corrected stratum 2.
                List<NodeId> clients = up.stream().filter(n -> !r.before.get(n).reference())
                        .sorted(Comparator.comparingInt((NodeId n) -> r.before.get(n).stratum()).thenComparing(n -> n))
                        .toList();
                clients.forEach(c -> r.expected.add(c.value()));
                r.ntpQueue.addAll(clients);
                long polls = clients.stream().mapToLong(c -> serversOf(c).size()).sum();
                expect(r, 2L * r.samples * polls, "2 per sample: 2 × " + r.samples + " samples × " + polls + " client-server pairs");
                nextNtpClient(r);
            }
            case NtpMode.SYMMETRIC -> {
                up.forEach(n -> {
                    r.expected.add(n.value());
                    sendControl(n, new NtpStart(r.id, ctx.self(), r.mode, r.samples, null, delay, up));
                });
                long pairs = (long) up.size() * (up.size() - 1) / 2;
                expect(r, pairs * (2L * r.samples + 1), "2k+1 per pair (each side gets k samples); k = " + r.samples + ", pairs = " + pairs);
            }
            case NtpMode.MULTICAST -> {
                if (reference == null) return Rejection.unavailable("no reference clock is reachable to broadcast");
                up.forEach(n -> {
                    r.expected.add(n.value());
                    sendControl(n, new NtpStart(r.id, ctx.self(), r.mode, r.samples, reference, delay, up));
                });
                expect(r, up.size() - 1, "n−1 per broadcast; n = " + up.size());
            }
            default -> throw new IllegalStateException(r.mode);
        }
        return null;
    }

    private List<NodeId> serversOf(NodeId n) {
        List<NodeId> configured = ctx.config().ntpServers().get(n);
        return configured != null ? configured : ctx.members().others(n);
    }

    private void nextNtpClient(Round r) {
        r.ntpCurrent = r.ntpQueue.poll();
        if (r.ntpCurrent != null) {
            sendControl(r.ntpCurrent, new NtpStart(r.id, ctx.self(), r.mode, r.samples, null, 0, List.copyOf(r.before.keySet())));
        }
    }

    private void expect(Round r, long count, String rule) {
        r.expectedMessages = count;
        r.expectedRule = rule;
    }

    private void sendControl(NodeId to, Message m) {
        if (!to.equals(ctx.self())) active.control++;
        ctx.send(to, m);
    }

    public void onDone(NodeId from, SyncDone d) {
        Round r = active;
        if (r == null || !r.id.equals(d.round()) || r.surveyingAfter || r.dones.containsKey(d.node())) return;
        if (!from.equals(ctx.self())) r.control++;
        r.dones.put(d.node(), d);
        if (r.command.algorithm() == Algorithm.BERKELEY && d.node().equals(ctx.config().berkeleyDaemon().value())
                && d.detail().get("adjusted") instanceof List<?> adjusted) {
            // Only machines the daemon sent a delta to will report.
            r.expected.retainAll(new TreeSet<>(adjusted.stream().map(Object::toString).toList()));
            r.expected.add(d.node());
        }
        if (r.ntpCurrent != null && r.ntpCurrent.value().equals(d.node())) nextNtpClient(r);
        checkComplete(r);
    }

    public void onTimeout(RunTimeout t) {
        Round r = active;
        if (r == null || !r.id.equals(t.round()) || r.surveyingAfter) return;
        r.ntpQueue.clear();
        finishRun(r);
    }

    private void checkComplete(Round r) {
        if (!r.surveyingAfter && r.ntpQueue.isEmpty() && r.ntpCurrent == null && r.dones.keySet().containsAll(r.expected)) {
            finishRun(r);
        }
    }

    private void finishRun(Round r) {
        r.surveyingAfter = true;
        ctx.cancel(r.timer);
        survey(r, g -> onAfter(r, g));
    }

    private void onAfter(Round r, Gather<StatusReply> g) {
        Map<String, Long> byType = new TreeMap<>();
        Map<NodeId, NodeStatus> after = new TreeMap<>();
        g.replies().forEach((n, s) -> {
            after.put(n, s.status());
            s.sent().forEach((k, v) -> byType.merge(k, v, Long::sum));
        });
        long count = byType.values().stream().mapToLong(Long::longValue).sum();
        List<String> covers = new ArrayList<>();
        List<Long> bounds = new ArrayList<>();
        collectBounds(r, after, covers, bounds);
        bounds.sort(Comparator.reverseOrder());
        long skewBound = bounds.size() < 2 ? (bounds.isEmpty() ? 0 : bounds.get(0)) : bounds.get(0) + bounds.get(1);
        SyncResult result = new SyncResult(r.id, r.command.algorithm().wire(), r.mode, ctx.self().value(),
                ctx.env().nanoTime() - r.startedAt, snapshot(r.before), snapshot(after),
                new SyncResult.Messages(count, byType, r.expectedMessages, r.expectedRule, r.control),
                Map.copyOf(r.dones), skewBound, covers);
        active = null;
        ctx.emit("time.sync.done", r.id, Map.of("algorithm", result.algorithm(), "maxSkewBeforeNanos",
                result.before().maxSkewNanos(), "maxSkewAfterNanos", result.after().maxSkewNanos(), "messages", count));
        listener.accept(result);
        r.answer.accept(result);
    }

    /** Which nodes the round's bound speaks for, and each one's share of it (see {@link SyncResult}). */
    private void collectBounds(Round r, Map<NodeId, NodeStatus> after, List<String> covers, List<Long> bounds) {
        Algorithm a = r.command.algorithm();
        for (NodeId n : r.before.keySet()) {
            SyncDone d = r.dones.get(n.value());
            boolean anchor = switch (a) {
                case CRISTIAN, NTP -> r.before.get(n).reference() && (d == null || !d.applied());
                case BERKELEY -> n.equals(ctx.config().berkeleyDaemon()) && d != null;
                case AVERAGING -> false;
            };
            boolean applied = d != null && d.applied()
                    && (a != Algorithm.AVERAGING || Boolean.TRUE.equals(d.detail().get("complete")));
            if (anchor || applied) {
                covers.add(n.value());
                bounds.add(applied ? d.errorBoundNanos() : 0L);
            }
        }
    }

    private SyncResult.Snapshot snapshot(Map<NodeId, NodeStatus> statuses) {
        Map<String, NodeStatus> nodes = new TreeMap<>();
        statuses.forEach((n, s) -> nodes.put(n.value(), s));
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (NodeStatus s : statuses.values()) {
            lo = Math.min(lo, s.settledOffsetNanos());
            hi = Math.max(hi, s.settledOffsetNanos());
        }
        List<String> unreachable = ctx.members().nodes().stream().map(NodeId::value)
                .filter(n -> !nodes.containsKey(n)).toList();
        return new SyncResult.Snapshot(statuses.isEmpty() ? 0 : hi - lo, nodes, unreachable);
    }
}
