package dsys.time.sim;

import dsys.core.clock.DriftingClock;
import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.ClockBounds;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;
import dsys.time.core.TimeConfig;
import dsys.time.core.TimeNodeCore;
import dsys.time.sync.SyncCommand;
import dsys.time.sync.SyncResult;
import dsys.verifier.CheckResult;
import dsys.verifier.clock.ClockChecker;
import dsys.verifier.clock.ClockSample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A simulated time group: time-1 is the reference (perfect clock), the others get the simulator's seeded offsets
 * and drifts within {@link #CLOCKS} (±5 s, ±500 ppm, for the hardware clock and the monotonic one behind timers);
 * the network has random, asymmetric delays and, when {@code faults}, loss, duplication and reordering. Every clock
 * is checked after every step never to run backwards (only a person may set a clock back).
 */
final class SimCluster {

    static final long MS = 1_000_000L;
    static final double MAX_DRIFT_PPM = 500;
    static final ClockBounds CLOCKS = new ClockBounds(Duration.ofSeconds(5), MAX_DRIFT_PPM);

    final Simulation sim;
    final List<NodeId> ids = new ArrayList<>();
    final TimeConfig config;
    final long maxOneWayDelay;
    /** Probability that the network loses a message (5 % with faults). */
    final double loss;
    private final Map<NodeId, Long> lastReading = new HashMap<>();
    private int eventsSeen;
    private final Map<NodeId, Integer> segment = new HashMap<>();
    private final List<ClockSample> samples = new ArrayList<>();

    SimCluster(long seed, int n, boolean faults, TimeConfig base) {
        this.sim = new Simulation(seed).clockBounds(CLOCKS);
        SplittableRandom rnd = new SplittableRandom(seed * 31 + 7);
        for (int i = 1; i <= n; i++) ids.add(NodeId.of("time-" + i));
        long min = (1 + rnd.nextInt(3)) * MS;
        long max = min + rnd.nextInt(1, 20) * MS;
        long worstExtra = 0;
        sim.network().delay(Duration.ofNanos(min), Duration.ofNanos(max));
        // Asymmetric links: one direction slower than the other, the classic source of sync error.
        for (NodeId a : ids) {
            for (NodeId b : ids) {
                if (a.equals(b) || rnd.nextInt(3) != 0) continue;
                long extra = rnd.nextInt(0, 15) * MS;
                sim.network().link(a, b, 0, Duration.ofNanos(extra));
                worstExtra = Math.max(worstExtra, extra);
            }
        }
        long reorderExtra = 0;
        this.loss = faults ? 0.05 : 0;
        if (faults) {
            reorderExtra = 10 * MS;
            sim.network().loss(loss).duplicate(0.05).reorder(0.1, Duration.ofNanos(reorderExtra));
        }
        this.maxOneWayDelay = max + worstExtra + reorderExtra;
        this.config = base.withBounds(maxOneWayDelay, MAX_DRIFT_PPM, base.serverProcessing());
        for (NodeId id : ids) {
            if (config.references().contains(id)) sim.add(id, env -> new TimeNodeCore(env, config), 0, 0); // true time
            else sim.add(id, env -> new TimeNodeCore(env, config));
        }
        // Every step, every clock is sampled against true time; the verifier's clock checker then judges them.
        // Only a person may set a clock back (an admin request leaves a time.clock.set event): a new segment starts.
        sim.invariant("clock samples", () -> {
            List<dsys.core.event.Event> events = sim.events();
            for (; eventsSeen < events.size(); eventsSeen++) {
                if (events.get(eventsSeen).kind().equals("time.clock.set")) newSegment(NodeId.of(events.get(eventsSeen).node()));
            }
            for (NodeId id : ids) {
                long r = sim.clock(id).nanos();
                Long last = lastReading.put(id, r);
                if (last == null || last != r) samples.add(new ClockSample(id + "#" + segment.getOrDefault(id, 0), sim.now(), r));
            }
        });
    }

    private void newSegment(NodeId n) {
        segment.merge(n, 1, Integer::sum);
        lastReading.remove(n);
    }

    /** The verifier's clock checker over every sample so far: no clock ever ran backwards. */
    void assertClocksNeverRanBackwards() {
        CheckResult r = ClockChecker.check(samples, Long.MAX_VALUE, Long.MAX_VALUE);
        if (!r.isValid()) throw new AssertionError("clock checker: " + r + "\n" + describe());
    }

    /** A person sets a clock wrong (the one allowed backward jump). */
    void setOffset(NodeId n, long offsetNanos) {
        sim.clock(n).setOffsetNanos(offsetNanos);
        newSegment(n);
    }

    DriftingClock clock(NodeId n) {
        return sim.clock(n);
    }

    NodeId node(int i) {
        return ids.get(i - 1);
    }

    /** Offset against true time once pending slews are absorbed. */
    long settled(NodeId n) {
        DriftingClock c = sim.clock(n);
        return c.offsetNanos() + c.pendingSlewNanos();
    }

    /** Runs a request to completion (virtual time), failing the test if it never answers. */
    Object call(NodeId at, Object body) {
        SimRequest r = sim.request(at, body);
        if (!sim.runUntil(r::finished, Duration.ofMinutes(5))) {
            throw new AssertionError("no answer to " + body + "\n" + sim.trace(40));
        }
        if (r.crashed()) throw new AssertionError(at + " crashed while answering " + body);
        assertClocksNeverRanBackwards();
        return r.result();
    }

    SyncResult sync(NodeId at, SyncCommand cmd) {
        Object o = call(at, cmd);
        if (o instanceof Rejection rej) throw new AssertionError("rejected: " + rej);
        return (SyncResult) o;
    }

    /** Like {@link #sync}, but a 503 (a needed node looked unreachable) is null when {@code mayRefuse}; see {@link Refusals}. */
    SyncResult syncOrUnavailable(NodeId at, SyncCommand cmd, boolean mayRefuse) {
        Object o = call(at, cmd);
        if (o instanceof Rejection rej) {
            if (mayRefuse && rej.status() == 503) return null;
            throw new AssertionError("rejected: " + rej + "\n" + describe());
        }
        return (SyncResult) o;
    }

    TimeNodeCore core(NodeId n) {
        return (TimeNodeCore) sim.core(n);
    }

    double maxDriftPpm() {
        return ids.stream().mapToDouble(n -> Math.abs(sim.clock(n).driftPpm())).max().orElse(0);
    }

    String describe() {
        StringBuilder b = new StringBuilder(sim.toString()).append('\n');
        for (NodeId n : ids) {
            b.append(String.format("  %s offset %.3f ms (pending %.3f) drift %.1f ppm%n", n,
                    sim.clock(n).offsetNanos() / 1e6, sim.clock(n).pendingSlewNanos() / 1e6, sim.clock(n).driftPpm()));
        }
        return b.toString();
    }
}
