package dsys.platform.chaos;

import dsys.core.clock.DriftingClock;
import dsys.core.fault.LinkFault;
import dsys.platform.host.NodeRuntime;
import dsys.platform.web.AdminOnly;
import dsys.platform.web.ProblemException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's fault injection. The gateway fans every /api/chaos call out to all nodes; each applies what
 * concerns it (node-targeted calls are applied only by the named node and answered {@code applied: false} elsewhere).
 */
@AdminOnly
@RestController
@RequestMapping("/api/chaos")
public class ChaosController {

    private final NodeRuntime node;

    public ChaosController(NodeRuntime node) {
        this.node = node;
    }

    public record Partitions(List<List<String>> groups) {
    }

    public record Link(String from, String to, Double dropRate, Long delayMs, Long jitterMs, Double duplicateRate) {
    }

    public record Pause(Long ms) {
    }

    public record CrashPoint(String node, String point) {
    }

    public record Clock(Double offsetMs, Double driftPpm) {
    }

    /** A day: more is a typo, not a fault worth injecting. */
    static final double MAX_OFFSET_MS = 86_400_000;

    @GetMapping
    public Map<String, Object> faults() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node.identity().self().value());
        m.put("crashed", node.crashed());
        m.put("paused", node.paused());
        m.put("clockOffsetMs", node.clock().offsetNanos() / 1e6);
        m.put("clockDriftPpm", node.clock().driftPpm());
        m.putAll(node.faults().describe());
        return m;
    }

    @DeleteMapping
    public Map<String, Object> heal() {
        node.faults().heal();
        if (node.crashed()) node.restart();
        return applied(true, "healed: partitions, link faults and crash points cleared; a crashed node restarts");
    }

    @PostMapping("/partitions")
    public Map<String, Object> partition(@RequestBody Partitions body) {
        if (body == null || body.groups() == null || body.groups().size() < 2) {
            throw ProblemException.badRequest("partitions need 'groups' with at least two groups of node ids, e.g. {\"groups\":[[\"kv-1\"],[\"kv-2\",\"kv-3\"]]}");
        }
        node.faults().partition(body.groups());
        return applied(true, "partitioned into " + body.groups());
    }

    @PostMapping("/links")
    public Map<String, Object> link(@RequestBody Link l) {
        if (l == null || l.from() == null || l.to() == null) {
            throw ProblemException.badRequest("a link fault needs 'from' and 'to' (node ids or \"*\")");
        }
        node.faults().addLink(new LinkFault(l.from(), l.to(), orZero(l.dropRate()), orZero(l.delayMs()),
                orZero(l.jitterMs()), orZero(l.duplicateRate())));
        return applied(true, "link " + l.from() + " → " + l.to() + " faulted");
    }

    @PostMapping("/nodes/{target}/crash")
    public Map<String, Object> crash(@PathVariable String target) {
        if (!isMe(target)) return applied(false, "not this node");
        node.crash("fault injection");
        return applied(true, target + " crashed: it answers 503 and loses volatile state until restart");
    }

    @PostMapping("/nodes/{target}/restart")
    public Map<String, Object> restart(@PathVariable String target) {
        if (!isMe(target)) return applied(false, "not this node");
        node.restart();
        return applied(true, target + " restarts from its durable state");
    }

    @PostMapping("/nodes/{target}/pause")
    public Map<String, Object> pause(@PathVariable String target, @RequestBody(required = false) Pause p) {
        if (p == null || p.ms() == null) throw ProblemException.badRequest("pause needs {\"ms\": N} with 1 ≤ N ≤ 600000");
        if (!isMe(target)) return applied(false, "not this node");
        node.pause(p.ms());
        return applied(true, target + " paused for " + p.ms() + " ms");
    }

    /**
     * Skews this node's physical clock (what its core reads as {@code env.clock()}: hybrid-logical ballots,
     * timestamps), never its monotonic timers. Heal leaves clocks alone (the time service's algorithms own them):
     * undo a skew with {@code offsetMs: 0, driftPpm: 0}.
     */
    @PostMapping("/nodes/{target}/clock")
    public Map<String, Object> clock(@PathVariable String target, @RequestBody(required = false) Clock c) {
        if (c == null || (c.offsetMs() == null && c.driftPpm() == null)) {
            throw ProblemException.badRequest("a clock fault needs offsetMs and/or driftPpm, e.g. {\"offsetMs\": 5000}");
        }
        if (c.offsetMs() != null && !(Math.abs(c.offsetMs()) <= MAX_OFFSET_MS)) {
            throw ProblemException.badRequest("offsetMs must be within ±" + (long) MAX_OFFSET_MS + ", was " + c.offsetMs());
        }
        if (c.driftPpm() != null && !(Math.abs(c.driftPpm()) <= DriftingClock.MAX_DRIFT_PPM)) {
            throw ProblemException.badRequest("driftPpm must be within ±" + (long) DriftingClock.MAX_DRIFT_PPM + ", was " + c.driftPpm());
        }
        if (!isMe(target)) return applied(false, "not this node");
        if (c.offsetMs() != null) node.clock().setOffsetNanos(Math.round(c.offsetMs() * 1e6));
        if (c.driftPpm() != null) node.clock().setDriftPpm(c.driftPpm());
        return applied(true, target + "'s clock is now " + node.clock().offsetNanos() / 1e6 + " ms off at "
                + node.clock().driftPpm() + " ppm");
    }

    @PostMapping("/crash-points")
    public Map<String, Object> crashPoint(@RequestBody CrashPoint c) {
        if (c == null || c.node() == null || c.point() == null || c.point().isBlank()) {
            throw ProblemException.badRequest("a crash point needs 'node' and 'point' (e.g. \"after-prepare-sent\")");
        }
        if (!isMe(c.node())) return applied(false, "not this node");
        node.faults().armCrashPoint(c.point());
        return applied(true, c.node() + " will crash when it reaches '" + c.point() + "'");
    }

    private boolean isMe(String target) {
        return node.identity().self().value().equals(target);
    }

    private Map<String, Object> applied(boolean applied, String what) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node.identity().self().value());
        m.put("applied", applied);
        m.put("detail", what);
        return m;
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    private static long orZero(Long l) {
        return l == null ? 0 : l;
    }
}
