package dsys.time.api;

import dsys.core.clock.DriftingClock;
import dsys.core.clock.VectorTime;
import dsys.platform.host.CoreHost;
import dsys.platform.web.AdminOnly;
import dsys.platform.web.ProblemException;
import dsys.time.config.TimeMetrics;
import dsys.time.core.NodeStatus;
import dsys.time.core.NodesQuery;
import dsys.time.core.NowInfo;
import dsys.time.core.OrderedEventsQuery;
import dsys.time.core.SetClock;
import dsys.time.core.TimeNodeCore;
import dsys.time.logical.LoggedEvent;
import dsys.time.ntp.NtpMode;
import dsys.time.schedule.ScheduleInfo;
import dsys.time.schedule.ScheduleSet;
import dsys.time.schedule.ScheduleStop;
import dsys.time.sync.Algorithm;
import dsys.time.sync.SyncCommand;
import dsys.time.sync.SyncResult;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** REST adapter of the time service (API.md, /api/time): validates, then asks this node's core. */
@RestController
@RequestMapping("/api/time")
public class TimeController {

    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    private static final double MAX_OFFSET_MS = 86_400_000; // a day: beyond it a "skew" is a typo

    private final CoreHost host;
    private final TimeMetrics metrics;

    public TimeController(CoreHost timeHost, TimeMetrics metrics) {
        this.host = timeHost;
        this.metrics = metrics;
    }

    /** Every node's clock; a node that does not answer is listed as unreachable. */
    @GetMapping("/nodes")
    public List<Views.NodeView> nodes() {
        @SuppressWarnings("unchecked")
        List<NodeStatus> all = (List<NodeStatus>) host.call(new NodesQuery(), QUERY_TIMEOUT);
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (NodeStatus s : all) {
            if (!s.reachable()) continue;
            lo = Math.min(lo, s.settledOffsetNanos());
            hi = Math.max(hi, s.settledOffsetNanos());
        }
        if (hi >= lo) metrics.skewSeen(hi - lo);
        return all.stream().map(Views.NodeView::of).toList();
    }

    @AdminOnly
    @PutMapping("/nodes/{node}/clock")
    public Views.NodeView setClock(@PathVariable String node, @RequestBody(required = false) Views.ClockChange change) {
        if (change == null || (change.offsetMs() == null && change.driftPpm() == null && change.reference() == null)) {
            throw ProblemException.badRequest("give at least one of offsetMs, driftPpm, reference");
        }
        if (change.driftPpm() != null && !(Math.abs(change.driftPpm()) <= DriftingClock.MAX_DRIFT_PPM)) {
            throw new ProblemException(400, "drift-out-of-range", "Drift out of range", "driftPpm must be within ±"
                    + (long) DriftingClock.MAX_DRIFT_PPM + " ppm, was " + change.driftPpm());
        }
        if (change.offsetMs() != null && !(Math.abs(change.offsetMs()) <= MAX_OFFSET_MS)) {
            throw ProblemException.badRequest("offsetMs must be within ±" + (long) MAX_OFFSET_MS + " (a day), was " + change.offsetMs());
        }
        Long offset = change.offsetMs() == null ? null : Math.round(change.offsetMs() * 1e6);
        NodeStatus s = (NodeStatus) host.call(new SetClock(node, offset, change.driftPpm(), change.reference()), QUERY_TIMEOUT);
        return Views.NodeView.of(s);
    }

    /** One round of {@code algorithm}; answers when every node reported (or the round timed out). */
    @PostMapping("/sync")
    public Views.SyncView sync(@RequestBody(required = false) Views.SyncRequest req) {
        Algorithm a = algorithm(req == null ? null : req.algorithm());
        if (req.mode() != null && (a != Algorithm.NTP || !NtpMode.SYNC_MODES.contains(req.mode()))) {
            throw new ProblemException(400, "unknown-mode", "Unknown mode", "mode applies to ntp only and must be one of "
                    + NtpMode.SYNC_MODES + ", was '" + req.mode() + "'");
        }
        if (req.samples() != null && (req.samples() < 1 || req.samples() > 8)) {
            throw ProblemException.badRequest("samples must be within 1..8 (NTP keeps the last 8), was " + req.samples());
        }
        SyncResult r = (SyncResult) host.call(new SyncCommand(a, req.mode(), req.samples()), SYNC_TIMEOUT);
        return Views.SyncView.of(r);
    }

    /** Admin: a schedule keeps the nodes' clocks busy (and their messages flowing) until an admin stops it. */
    @AdminOnly
    @PutMapping("/sync/schedule")
    public Views.ScheduleView schedule(@RequestBody(required = false) Views.ScheduleRequest req) {
        Algorithm a = algorithm(req == null ? null : req.algorithm());
        if (req.maxSkewMs() == null || !(req.maxSkewMs() > 0)) {
            throw ProblemException.badRequest("maxSkewMs (δ, the largest skew to allow) must be a positive number");
        }
        ScheduleInfo info = (ScheduleInfo) host.call(new ScheduleSet(a, Math.round(req.maxSkewMs() * 1e6)), QUERY_TIMEOUT);
        return Views.ScheduleView.of(info);
    }

    @GetMapping("/sync/schedule")
    public Views.ScheduleView currentSchedule() {
        return Views.ScheduleView.of(host.read(c -> ((TimeNodeCore) c).schedule()));
    }

    @AdminOnly
    @DeleteMapping("/sync/schedule")
    public Views.ScheduleView stopSchedule() {
        return Views.ScheduleView.of((ScheduleInfo) host.call(new ScheduleStop(), QUERY_TIMEOUT));
    }

    @GetMapping("/now")
    public Views.NowView now() {
        NowInfo n = host.read(c -> ((TimeNodeCore) c).now());
        return new Views.NowView(n.node(), Math.floorDiv(n.clockNanos(), 1_000_000L), n.lamport(), n.vector().entries());
    }

    @PostMapping("/logical/compare")
    public Views.CompareView compare(@RequestBody(required = false) Views.CompareRequest req) {
        if (req == null || req.a() == null || req.b() == null) {
            throw ProblemException.badRequest("give two vector timestamps: {\"a\": {\"time-1\": 2}, \"b\": {\"time-1\": 1, \"time-2\": 1}}");
        }
        VectorTime a = vector("a", req.a()), b = vector("b", req.b());
        return new Views.CompareView(a.compare(b).wire(), a.entries(), b.entries());
    }

    /** The service's recent events, every node's merged in Lamport total order (ties broken by node id). */
    @GetMapping("/events")
    public List<Views.EventView> events(@RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 256) throw ProblemException.badRequest("limit must be within 1..256 per node, was " + limit);
        @SuppressWarnings("unchecked")
        List<LoggedEvent> events = (List<LoggedEvent>) host.call(new OrderedEventsQuery(limit), QUERY_TIMEOUT);
        return events.stream().map(e -> new Views.EventView(e.lamport(), e.node(), e.kind(), e.vector().entries(), e.round())).toList();
    }

    private static Algorithm algorithm(String name) {
        return Algorithm.parse(name).orElseThrow(() -> new ProblemException(400, "unknown-algorithm", "Unknown algorithm",
                "algorithm must be one of " + Algorithm.names() + ", was " + (name == null ? "missing" : "'" + name + "'")));
    }

    private static VectorTime vector(String name, Map<String, Long> entries) {
        for (Map.Entry<String, Long> e : entries.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0) {
                throw ProblemException.badRequest("vector " + name + ": entry " + e.getKey() + " must be a count ≥ 0, was " + e.getValue());
            }
        }
        return new VectorTime(entries);
    }
}
