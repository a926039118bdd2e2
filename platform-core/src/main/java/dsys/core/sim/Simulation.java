package dsys.core.sim;

import dsys.core.clock.DriftingClock;
import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.core.event.Event;
import dsys.core.event.EventSink;
import dsys.core.message.Envelope;
import dsys.core.message.Message;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A deterministic simulated cluster: any number of cores on one thread, a virtual clock, and one queue of
 * deliveries, timers, client requests and scheduled actions ordered by (virtual time, insertion sequence).
 * Every random choice comes from the seed (the network's generator, and one generator per node derived from the
 * seed and the node id), nothing reads the wall clock and no hash order is iterated, so a seed replays a run
 * exactly. Invariants are checked after every step; a failure names the seed and the virtual time.
 */
public final class Simulation {

    /** Steps at one virtual instant beyond which the run is declared stuck (e.g. a zero-delay timer loop). */
    static final long MAX_STEPS_AT_ONE_INSTANT = 1_000_000;
    long maxStepsAtOneInstant = MAX_STEPS_AT_ONE_INSTANT; // lowered by a test to stay fast
    private static final int TRACE_LINES = 2_000;

    private final long seed;
    private final SplittableRandom networkRandom;
    private final NetworkModel network = new NetworkModel();
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    private final TreeMap<NodeId, SimNode> nodes = new TreeMap<>();
    private final Map<String, Membership> memberships = new HashMap<>(); // cache, looked up only
    private final Map<String, SimRequest> requests = new HashMap<>();    // looked up only
    private final List<Event> events = new ArrayList<>();
    private final List<JournalEntry> journal = new ArrayList<>();
    private final TreeMap<String, Long> counts = new TreeMap<>();
    private final List<Invariant> invariants = new ArrayList<>();
    private final List<EventSink> sinks = new ArrayList<>();
    private final List<RequestListener> requestListeners = new ArrayList<>();
    private ClockBounds clockBounds = ClockBounds.REALISTIC;
    private final Trace trace = new Trace(TRACE_LINES);
    private long now;
    private long sequence;
    private long timerIds;
    private long requestIds;
    private long sent;
    private long stepsAtInstant;
    private boolean stepping;
    private SimulationFailure failure;

    /**
     * One queued item. {@code node} is the node it runs on (null for actions), which a pause defers; {@code deferred}
     * marks an item that already came due at a paused node, i.e. it waits inside that node: a crash drops it, and
     * {@code onCrash} (a request's) then says so.
     */
    private record Scheduled(long time, long seq, SimNode node, Runnable body, Runnable onCrash, boolean deferred)
            implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private record Invariant(String name, Runnable check) {
    }

    /** Thrown by {@link Env#crashPoint} when armed; the node is already crashed, the handler just unwinds. */
    static final class CrashPointReached extends RuntimeException {
        CrashPointReached() {
            super("crash point", null, false, false);
        }
    }

    /**
     * A simulation whose network delays each message uniformly by 1..10 ms and loses or duplicates nothing, and
     * whose nodes get clocks within {@link ClockBounds#REALISTIC} (see {@link #clockBounds(ClockBounds)}).
     */
    public Simulation(long seed) {
        this.seed = seed;
        this.networkRandom = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    /** The fault configuration; change it at any time, e.g. from an {@link #at} action. */
    public NetworkModel network() {
        return network;
    }

    // ---------------------------------------------------------------- nodes

    /** The bounds the clocks of nodes added from now on are drawn within; tests may widen them to stress margins. */
    public Simulation clockBounds(ClockBounds bounds) {
        this.clockBounds = Objects.requireNonNull(bounds, "bounds");
        return this;
    }

    public ClockBounds clockBounds() {
        return clockBounds;
    }

    /**
     * Adds a node whose clocks are drawn from the seed within {@link #clockBounds()}: an offset and a drift for its
     * hardware clock, the same drift and an arbitrary origin for its monotonic clock (nanoTime, timers). Its core
     * is built now; onStart runs through the queue, at the current time.
     */
    public SimNode add(NodeId id, Function<Env, Core> factory) {
        SplittableRandom r = new SplittableRandom(nodeSeed(seed, id) ^ 0xC10CC10CL); // its own stream: env.random() unchanged
        long maxOffset = clockBounds.maxOffset().toNanos();
        double maxDrift = clockBounds.maxDriftPpm();
        long offset = maxOffset == 0 ? 0 : r.nextLong(-maxOffset, maxOffset + 1);
        double drift = maxDrift == 0 ? 0 : r.nextDouble(-maxDrift, maxDrift);
        long origin = maxOffset == 0 ? 0 : r.nextLong(0, maxOffset + 1);
        return add(id, factory, offset, drift, origin);
    }

    /**
     * Adds a node whose hardware clock reads virtual time + {@code clockOffsetNanos} and runs {@code driftPpm} fast;
     * its monotonic clock (nanoTime, timers) runs at the same rate from 0. Env.members() of a node is every added
     * node of the same service, so add a whole group before stepping.
     */
    public SimNode add(NodeId id, Function<Env, Core> factory, long clockOffsetNanos, double driftPpm) {
        return add(id, factory, clockOffsetNanos, driftPpm, 0);
    }

    private SimNode add(NodeId id, Function<Env, Core> factory, long clockOffsetNanos, double driftPpm, long origin) {
        Objects.requireNonNull(id, "node id");
        Objects.requireNonNull(factory, "factory");
        if (nodes.containsKey(id)) throw new IllegalArgumentException("node " + id + " was already added");
        DriftingClock clock = new DriftingClock(this::now, clockOffsetNanos, driftPpm, 0.5);
        DriftingClock monotonic = new DriftingClock(this::now, origin - now, driftPpm, 0.5);
        SimNode n = new SimNode(id, factory, clock, monotonic, new SplittableRandom(nodeSeed(seed, id)));
        nodes.put(id, n);
        memberships.remove(id.service());
        n.up = true;
        n.env = new NodeEnv(this, n, n.epoch);
        trace.add(now, id, "add", null);
        invoke(n, "factory", null, () -> n.core = Objects.requireNonNull(factory.apply(n.env), "factory returned null"));
        long epoch = n.epoch;
        schedule(now, n, () -> {
            if (n.up && n.epoch == epoch) invoke(n, "onStart", null, () -> n.core.onStart());
        });
        return n;
    }

    /** Mixes the seed with a stable hash of the node id (String.hashCode is specified, so this is too). */
    static long nodeSeed(long seed, NodeId id) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < id.value().length(); i++) h = (h ^ id.value().charAt(i)) * 0x100000001B3L;
        return h;
    }

    public SimNode node(NodeId id) {
        SimNode n = nodes.get(id);
        if (n == null) throw new IllegalArgumentException("no node " + id + " in this simulation (have " + nodes.keySet() + ")");
        return n;
    }

    /** Every added node, in NodeId order. */
    public List<NodeId> nodes() {
        return List.copyOf(nodes.keySet());
    }

    Membership membership(String service) {
        return memberships.computeIfAbsent(service, s -> Membership.of(
                nodes.keySet().stream().filter(n -> n.service().equals(s)).toList()));
    }

    public DriftingClock clock(NodeId n) {
        return node(n).clock;
    }

    /** The current core object (null while down), for white-box assertions. */
    public Core core(NodeId n) {
        return node(n).core;
    }

    public boolean isUp(NodeId n) {
        return node(n).up;
    }

    /** The node's disk, kept across crashes; for assertions or to prepare state before a run. */
    public MemoryDurable storage(NodeId n) {
        return node(n).disk;
    }

    // ---------------------------------------------------------------- faults

    /**
     * The node dies now: its core object, timers and incoming messages in flight are dropped, its pending requests
     * become crashed. Its disk (less the lazy writes no forced write followed), clock and logical clocks stay.
     * Crashing a node that is down does nothing.
     */
    public void crash(NodeId id) {
        crashAt(node(id), null);
    }

    void crashAt(SimNode n, String crashPoint) {
        if (!n.up) return;
        n.up = false;
        n.epoch++;
        n.core = null;
        n.disk.loseLazy();
        n.timers.clear();
        n.pausedUntil = 0;
        for (SimRequest r : n.pending.values()) r.crash(now);
        n.pending.clear();
        if (queue.stream().anyMatch(s -> s.node == n && s.deferred)) {
            List<Scheduled> waiting = queue.stream().filter(s -> s.node == n && s.deferred).sorted().toList();
            queue.removeAll(waiting);
            for (Scheduled s : waiting) if (s.onCrash != null) s.onCrash.run();
        }
        trace.add(now, n.id, crashPoint == null ? "CRASH" : "CRASH at crash point", crashPoint);
    }

    /** A new core from the factory over the same disk; onRecover runs now, before anything else reaches it. */
    public void restart(NodeId id) {
        restart(id, false);
    }

    /**
     * What a live node does after {@code kill -9} and a new process: a new core over the same disk whose
     * {@link dsys.core.env.Core#onStart()} runs (a live host cannot tell a first start from a restart), not onRecover.
     * A core whose onStart ignores its disk is caught here; {@link #restart} alone never calls onStart again.
     */
    public void restartProcess(NodeId id) {
        restart(id, true);
    }

    private void restart(NodeId id, boolean process) {
        SimNode n = node(id);
        if (n.up) throw new IllegalStateException(id + " is up; crash it before restarting it");
        n.up = true;
        n.env = new NodeEnv(this, n, n.epoch);
        NodeEnv env = n.env;
        trace.add(now, id, process ? "RESTART (new process)" : "RESTART", null);
        invoke(n, "factory", null, () -> n.core = Objects.requireNonNull(n.factory.apply(env), "factory returned null"));
        if (env.alive()) {
            if (process) invoke(n, "onStart", null, () -> n.core.onStart());
            else invoke(n, "onRecover", null, () -> n.core.onRecover());
        }
    }

    /** The node processes nothing for {@code d}: what comes due meanwhile waits and then runs in order. */
    public void pause(NodeId id, Duration d) {
        SimNode n = node(id);
        n.pausedUntil = Math.max(n.pausedUntil, now + nanos(d));
        trace.add(now, id, "PAUSE until", ms(n.pausedUntil));
    }

    /** The next time the node's core calls {@code env.crashPoint(name)} it crashes right there (once). */
    public void armCrashPoint(NodeId id, String name) {
        node(id).armedCrashPoints.add(Objects.requireNonNull(name));
    }

    // ---------------------------------------------------------------- workload

    /** A client request to {@code node}, handed to its core now (through the queue, after what is already due). */
    public SimRequest request(NodeId node, Object body) {
        return requestAt(Duration.ofNanos(now), node, body);
    }

    /** A client request handed to the core at virtual time {@code at} (since the start of the run). */
    public SimRequest requestAt(Duration at, NodeId node, Object body) {
        long t = notInPast(at);
        SimNode n = node(node);
        SimRequest r = new SimRequest(new RequestId("r" + ++requestIds), node, body, t, this::finished);
        requests.put(r.id().value(), r);
        if (t == now) invoked(r);
        else schedule(t, null, () -> invoked(r));
        schedule(t, n, () -> r.crash(now), () -> {
            if (!n.up) {
                r.crash(now);
                trace.add(now, n.id, "request refused (down)", r.id());
                return;
            }
            n.pending.put(r.id().value(), r);
            r.markDelivered();
            trace.add(now, n.id, "request " + r.id(), body);
            invoke(n, "onRequest", body, () -> n.core.onRequest(r.id(), body));
        });
        return r;
    }

    /** Runs {@code action} (a nemesis step, a workload step) at virtual time {@code at} since the start. */
    public void at(Duration at, Runnable action) {
        Objects.requireNonNull(action);
        schedule(notInPast(at), null, () -> {
            try {
                action.run();
            } catch (SimulationFailure f) {
                throw f;
            } catch (RuntimeException | AssertionError e) {
                throw fail("a scheduled action threw", e, null);
            }
        });
    }

    // ---------------------------------------------------------------- running

    /** Processes the next queued item (in virtual-time order); false when nothing is queued. */
    public boolean step() {
        if (failure != null) throw failure;
        if (stepping) throw new IllegalStateException("step() called from inside a step (from an action or invariant?)");
        Scheduled s = queue.poll();
        if (s == null) return false;
        if (s.time > now) {
            now = s.time;
            stepsAtInstant = 0;
        }
        if (++stepsAtInstant > maxStepsAtOneInstant) {
            throw fail("no progress: " + maxStepsAtOneInstant + " steps without virtual time advancing", null, null);
        }
        if (s.node != null && s.node.pausedUntil > now) {
            // A new sequence number keeps deferred items in the order they came due.
            queue.add(new Scheduled(s.node.pausedUntil, sequence++, s.node, s.body, s.onCrash, true));
            return true;
        }
        stepping = true;
        try {
            s.body.run();
        } finally {
            stepping = false;
        }
        for (Invariant inv : invariants) {
            try {
                inv.check.run();
            } catch (RuntimeException | AssertionError e) {
                throw fail("invariant \"" + inv.name + "\" violated", e, inv.name);
            }
        }
        return true;
    }

    /** Processes everything due up to now + d, then sets the virtual time to now + d. */
    public void runFor(Duration d) {
        long deadline = now + nanos(d);
        while (!queue.isEmpty() && queue.peek().time <= deadline) step();
        if (failure != null) throw failure;
        now = Math.max(now, deadline);
    }

    /**
     * Steps until {@code done} holds (true; the virtual time is then when it became true) or until {@code limit}
     * has passed (false; the virtual time is then now + limit).
     */
    public boolean runUntil(BooleanSupplier done, Duration limit) {
        long deadline = now + nanos(limit);
        if (done.getAsBoolean()) return true;
        while (!queue.isEmpty() && queue.peek().time <= deadline) {
            step();
            if (done.getAsBoolean()) return true;
        }
        now = Math.max(now, deadline);
        return done.getAsBoolean();
    }

    /** Virtual nanoseconds since the start of the run. */
    public long now() {
        return now;
    }

    /** Checked after every step; an AssertionError (or RuntimeException) fails the run naming it, the seed, the time. */
    public void invariant(String name, Runnable check) {
        invariants.add(new Invariant(Objects.requireNonNull(name), Objects.requireNonNull(check)));
    }

    /** Told of every client request's invocation and completion, in virtual time (e.g. a history recorder). */
    public void addRequestListener(RequestListener listener) {
        requestListeners.add(Objects.requireNonNull(listener));
    }

    private void invoked(SimRequest r) {
        for (RequestListener l : requestListeners) l.invoked(r);
    }

    private void finished(SimRequest r) {
        for (RequestListener l : requestListeners) l.finished(r);
    }

    /** Also send every emitted event to {@code sink} (e.g. a streaming checker). */
    public void addSink(EventSink sink) {
        sinks.add(Objects.requireNonNull(sink));
    }

    // ---------------------------------------------------------------- records

    /** Every event emitted, in order (a read-only live view). */
    public List<Event> events() {
        return Collections.unmodifiableList(events);
    }

    /** Every send and receive, in order (a read-only live view). */
    public List<JournalEntry> journal() {
        return Collections.unmodifiableList(journal);
    }

    /** The journal as JSON lines, the format of docs/conventions.md. */
    public String journalJson() {
        StringBuilder b = new StringBuilder();
        for (JournalEntry e : journal) b.append(e.toJson()).append('\n');
        return b.toString();
    }

    /** Messages sent since the last reset, by {@link Message#type()}, in type order. */
    public Map<String, Long> messageCounts() {
        return Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    public long messagesSent() {
        return sent;
    }

    /** Zeroes the message counters (not the journal), e.g. after a warm-up, to measure one operation. */
    public void resetCounts() {
        counts.clear();
        sent = 0;
    }

    /** The last {@code lastN} steps, one per line, for failure messages. */
    public String trace(int lastN) {
        return trace.tail(lastN);
    }

    // ---------------------------------------------------------------- what an Env does

    void send(SimNode n, NodeId to, Message m) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(m, "message");
        n.logical.tick();
        String type = m.type();
        Envelope e = new Envelope(n.id.value() + "-" + ++n.sentCounter, n.id, to, type,
                n.logical.lamport(), n.logical.vector(), m);
        journal.add(new JournalEntry("send", n.id.value(), to.value(), e.id(), type, e.lamport(), e.vector(), now));
        counts.merge(type, 1L, Long::sum);
        sent++;
        SimNode target = nodes.get(to);
        if (target == null) {
            trace.add(now, n.id, "send " + e.id() + " → " + to + " dropped: no such node", m);
            return;
        }
        if (!network.canDeliver(n.id, to)) {
            trace.add(now, n.id, "send " + e.id() + " → " + to + " dropped: partitioned", m);
            return;
        }
        long[] delays = network.plan(n.id, to, networkRandom);
        trace.add(now, n.id, "send " + e.id() + " → " + to + (delays.length == 0 ? " lost"
                : delays.length == 2 ? " duplicated" : ""), m);
        long epoch = target.epoch;
        for (long d : delays) schedule(now + d, target, () -> deliver(e, target, epoch));
    }

    private void deliver(Envelope e, SimNode to, long epochAtSend) {
        if (!to.up || to.epoch != epochAtSend) {
            trace.add(now, to.id, "lost " + e.id() + " from " + e.from() + ": receiver crashed", null);
            return;
        }
        if (!network.canDeliver(e.from(), e.to())) {
            trace.add(now, to.id, "lost " + e.id() + " from " + e.from() + ": partitioned in flight", null);
            return;
        }
        to.logical.receive(e.lamport(), e.vector());
        journal.add(new JournalEntry("receive", to.id.value(), e.from().value(), e.id(), e.type(),
                to.logical.lamport(), to.logical.vector(), now));
        trace.add(now, to.id, "recv " + e.id() + " ← " + e.from(), e.payload());
        invoke(to, "onMessage", e.payload(), () -> to.core.onMessage(e.from(), e.payload()));
    }

    void reply(SimNode n, RequestId id, Object result) {
        Objects.requireNonNull(id, "request id");
        SimRequest r = n.pending.remove(id.value());
        if (r == null) {
            SimRequest other = requests.get(id.value());
            if (other != null && !other.node().equals(n.id)) {
                throw new IllegalArgumentException(n.id + " replied to request " + id + ", which was sent to "
                        + other.node() + ": only the node holding a request can answer it");
            }
            return; // already answered, or crashed: later replies are ignored
        }
        r.complete(result, now);
        trace.add(now, n.id, "reply " + id, result);
    }

    TimerId after(SimNode n, Duration delay, Object timer, boolean alive) {
        TimerId id = new TimerId(++timerIds);
        long d = n.trueNanos(nanos(delay)); // the delay runs on the node's (drifting) monotonic clock
        if (!alive) return id; // a dead process's timer never fires
        n.timers.put(id.value(), timer);
        schedule(now + d, n, () -> {
            if (!n.timers.containsKey(id.value())) return; // cancelled, or lost in a crash
            Object t = n.timers.remove(id.value());
            trace.add(now, n.id, "timer", t);
            invoke(n, "onTimer", t, () -> n.core.onTimer(t));
        });
        return id;
    }

    void emit(SimNode n, String kind, Map<String, Object> fields) {
        n.logical.tick();
        // A sorted copy: a Map.of's iteration order changes from JVM to JVM and must not leak into records.
        Map<String, Object> sorted = fields == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(fields));
        Event e = new Event(n.id.service(), n.id.value(), Objects.requireNonNull(kind, "kind"),
                n.logical.lamport(), n.logical.vector(), Math.floorDiv(now, 1_000_000L), n.clock.millis(), sorted);
        events.add(e);
        trace.add(now, n.id, "event " + kind, sorted);
        for (EventSink s : sinks) s.accept(e);
    }

    // ---------------------------------------------------------------- internals

    private void schedule(long time, SimNode node, Runnable body) {
        schedule(time, node, null, body);
    }

    private void schedule(long time, SimNode node, Runnable onCrash, Runnable body) {
        queue.add(new Scheduled(time, sequence++, node, body, onCrash, false));
    }

    /** Calls into a core; a crash point just unwinds, anything else a core throws fails the run. */
    private void invoke(SimNode n, String what, Object detail, Runnable call) {
        try {
            call.run();
        } catch (CrashPointReached c) {
            // the node crashed inside crashPoint(); the rest of the handler must not run
        } catch (SimulationFailure f) {
            throw f;
        } catch (RuntimeException | AssertionError e) {
            throw fail(n.id + " threw in " + what + (detail == null ? "" : "(" + detail + ")"), e, null);
        }
    }

    private SimulationFailure fail(String what, Throwable cause, String invariant) {
        String msg = what + " at t=" + ms(now) + " (seed " + seed + ")"
                + (cause == null ? "" : ": " + cause) + "\nlast steps:\n" + trace(25);
        failure = new SimulationFailure(msg, cause, seed, now, invariant);
        return failure;
    }

    private long notInPast(Duration at) {
        long t = nanos(at);
        if (t < now) throw new IllegalArgumentException("virtual time " + at + " is in the past (now " + ms(now) + ")");
        return t;
    }

    private static long nanos(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException("negative duration " + d);
        return d.toNanos();
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.6f ms", nanos / 1e6);
    }

    @Override
    public String toString() {
        return "Simulation(seed " + seed + ", t=" + ms(now) + ", nodes " + nodes.values() + ", " + network + ")";
    }
}
