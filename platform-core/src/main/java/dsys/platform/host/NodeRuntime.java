package dsys.platform.host;

import dsys.core.clock.DriftingClock;
import dsys.core.clock.LogicalClocks;
import dsys.core.event.Event;
import dsys.core.event.EventSink;
import dsys.core.fault.FaultState;
import dsys.core.message.Envelope;
import dsys.core.transport.Transport;
import dsys.platform.events.MessageJournal;
import dsys.platform.events.TracedEventSink;
import dsys.platform.node.NodeIdentity;
import dsys.platform.storage.FileDurable;
import dsys.platform.storage.StorageFailedException;
import dsys.platform.tracing.StepTracing;
import dsys.platform.tracing.Traceparent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * One live node: the serial section all its cores run in, its logical clocks and hardware clock, its durable
 * storage and the faults in force. Crash and restart (fault injection) act on every core of the node at once.
 *
 * <p>Cores are single-threaded: their tasks (requests, messages, timers) run one at a time, in the order queued.
 * The thread that queues a task runs the queue itself when no other thread is running it, so a request or message
 * is handled on the thread that received it instead of being handed to a core thread and back (each hand-off is a
 * thread wake-up, which measured as a large part of a node's CPU under load). A caller drains at most
 * {@link #INLINE_LIMIT} tasks and leaves the rest to the node's own thread, which also fires the timers.
 *
 * <p>A step knows the sampled trace it runs in (captured where its request or message entered, not read from the
 * running thread, which may be working off another caller's queue): what it sends and emits carries that trace on.
 */
public final class NodeRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);
    static final int INLINE_LIMIT = 32;
    /** The longest a write stays off the disk when no output of the node waits for it (see endStep). */
    static final Duration UNTOLD_SYNC = Duration.ofMillis(200);

    final NodeIdentity identity;
    final ScheduledExecutorService thread; // timers, and queued tasks a caller left over
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile Thread drainer;
    final LogicalClocks logical;
    final DriftingClock clock;
    final FileDurable storage;
    final FaultState faults;
    final EventSink events;
    final RandomGenerator random = new SplittableRandom();
    final AtomicLong messageSeq = new AtomicLong();
    final MessageJournal journal = new MessageJournal();
    private final Map<String, CoreHost> hosts = new ConcurrentHashMap<>();
    private volatile Transport transport;
    private volatile StepTracing tracing = StepTracing.OFF;
    private String stepTrace; // traceparent of the running step's sampled trace, or null (serial section only)
    private Thread stepThread; // the thread running a step, or null (each thread sees its own writes: no need for volatile)
    private volatile boolean crashed;
    private volatile long pausedUntilNanos = System.nanoTime(); // nanoTime's origin is arbitrary: never 0
    private volatile boolean closed;
    private final List<Runnable> step = new ArrayList<>(); // outputs of the running step (serial section only)
    private final List<Runnable> held = new ArrayList<>(); // outputs waiting for the next fsync (serial section only)
    private volatile StorageFailedException storageFailure;
    private boolean flushQueued;
    private boolean untoldSyncArmed; // serial section only
    private volatile long untoldSyncNanos = UNTOLD_SYNC.toNanos();

    public NodeRuntime(NodeIdentity identity, DriftingClock clock, FileDurable storage, FaultState faults, EventSink events) {
        this.identity = identity;
        this.clock = clock;
        this.storage = storage;
        this.faults = faults;
        this.events = events;
        this.logical = new LogicalClocks(identity.self().value());
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dsys-core-" + identity.self());
            t.setDaemon(true);
            drainer = t;
            return t;
        });
        // Most timers are cancelled (a lease released before it ends): left queued, each would still wake the
        // thread at its time only to be thrown away.
        timers.setRemoveOnCancelPolicy(true);
        this.thread = timers;
    }

    public NodeIdentity identity() { return identity; }
    public FaultState faults() { return faults; }
    public DriftingClock clock() { return clock; }
    public boolean crashed() { return crashed; }
    public MessageJournal journal() { return journal; }

    /** The Lamport time now, read inside the serial section (the clocks are not thread-safe). */
    public long lamportNow() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        execute(() -> f.complete(logical.lamport()));
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return -1;
        }
    }

    public void transport(Transport transport) {
        this.transport = transport;
    }

    Transport transport() {
        return transport;
    }

    public void tracing(StepTracing tracing) {
        this.tracing = tracing;
    }

    StepTracing tracing() {
        return tracing;
    }

    /** The running step's sampled trace as a traceparent, or null (serial section only). */
    String stepTrace() {
        return stepTrace;
    }

    /**
     * The running step's trace when the calling thread is running it, else null: a core's call into another core
     * of this node (a participant locking keys in the keyspaces' registers) goes on in the same trace.
     */
    String stepTraceOfThisThread() {
        return stepThread == Thread.currentThread() ? stepTrace : null;
    }

    /**
     * Runs an output of a step (after the step, e.g. completing a caller's future) in the step's trace, so what the
     * caller does with the answer on this thread stays in it. Serial section only, outside any step.
     */
    void inTrace(String trace, Runnable output) {
        if (trace == null || stepThread != null) {
            output.run();
            return;
        }
        stepTrace = trace;
        stepThread = Thread.currentThread();
        try {
            output.run();
        } finally {
            stepTrace = null;
            stepThread = null;
        }
    }

    void register(CoreHost host) {
        if (hosts.putIfAbsent(host.group(), host) != null) {
            throw new IllegalStateException("a core named '" + host.group() + "' already runs on " + identity.self());
        }
    }

    /** An envelope arrived for {@code group}; it is handled in the serial section (dropped if the node is crashed). */
    public boolean deliver(String group, Envelope envelope) {
        CoreHost host = hosts.get(group);
        if (host == null || crashed) return false;
        deliver(host, envelope);
        return true;
    }

    /** From a peer or from this node itself; one sent within a sampled trace is handled in a span of it. */
    void deliver(CoreHost host, Envelope envelope) {
        execute(step(host, envelope));
    }

    /**
     * Envelopes that arrived together (one read of a peer's stream): all are queued before any runs, so their steps
     * come before the flush the first of them queues and share its fsync (group commit). Delivered one at a time,
     * each step's flush ran before the next envelope was queued: a kv backup synced once per replicated put.
     * Returns a group no core here runs (and delivers nothing), or null; a crashed node drops them all.
     */
    public String deliverAll(List<? extends Arrival> arrivals) {
        for (Arrival a : arrivals) {
            if (!hosts.containsKey(a.group())) return a.group();
        }
        if (crashed || closed) return null;
        for (Arrival a : arrivals) tasks.add(step(hosts.get(a.group()), a.envelope()));
        drain();
        return null;
    }

    /** An envelope and the core group it is for. */
    public interface Arrival {
        String group();

        Envelope envelope();
    }

    private Runnable step(CoreHost host, Envelope envelope) {
        if (envelope.trace() == null) return () -> guard(null, () -> host.onEnvelope(envelope));
        return () -> receiveTraced(host, envelope);
    }

    private void receiveTraced(CoreHost host, Envelope e) {
        if (crashed) return;
        StepTracing.Step span = Traceparent.isSampled(e.trace()) ? tracing.receive(e.trace(), e.type(), e.from().value()) : null;
        try {
            guard(span != null ? span.traceparent() : e.trace(), () -> host.onEnvelope(e));
        } finally {
            if (span != null) span.end();
        }
    }

    /** Runs in the serial section; a crash point reached inside crashes the node. */
    void run(Runnable task) {
        execute(() -> guard(null, task));
    }

    /** As {@link #run(Runnable)}, as a step of the sampled trace {@code trace} (a traceparent, or null). */
    void run(String trace, Runnable task) {
        execute(() -> guard(trace, task));
    }

    /** Queues a task and runs the queue on this thread unless another thread is running it. */
    void execute(Runnable task) {
        if (closed) return;
        tasks.add(task);
        drain();
    }

    /*
     * The re-check after letting go closes the race with a task queued just before: its caller saw us draining.
     * While the node is paused nothing runs: the queue waits for the node's thread at the end of the pause.
     */
    private void drain() {
        boolean own = Thread.currentThread() == drainer;
        while (!tasks.isEmpty() && draining.compareAndSet(false, true)) {
            long handOff = -1;
            try {
                for (int n = 0; ; n++) {
                    long pause = pausedUntilNanos - System.nanoTime();
                    if (pause > 0 || (n == INLINE_LIMIT && !own)) {
                        handOff = Math.max(0, pause); // do not hold a caller's thread for others' work
                        break;
                    }
                    Runnable r = tasks.poll();
                    if (r == null) break;
                    runSafely(r);
                }
            } finally {
                draining.set(false);
            }
            if (handOff >= 0) {
                drainLater(handOff); // after letting go: the node's thread must find the section free
                return;
            }
        }
    }

    private void drainLater(long nanos) {
        if (!drainScheduled.compareAndSet(false, true)) return;
        try {
            thread.schedule(() -> {
                drainScheduled.set(false);
                drain();
            }, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            drainScheduled.set(false);
        }
    }

    private void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("core task failed on {}", identity.self(), e);
        }
    }

    private void guard(String trace, Runnable task) {
        stepTrace = trace;
        stepThread = Thread.currentThread();
        try {
            if (!crashed) task.run();
        } catch (CrashSignal c) {
            crashNow("crash point " + c.getMessage());
        } catch (StorageFailedException f) {
            failStorage(f);
        } catch (RuntimeException e) {
            log.error("core task failed on {}", identity.self(), e);
        } finally {
            stepTrace = null;
            stepThread = null;
        }
        endStep();
    }

    /**
     * A reply or message leaving the node. Kept until the step that produced it ends, then held back while durable
     * writes are not yet on disk, so nothing the node acknowledges can be lost by a crash (output commit) — even a
     * message sent before the put of the same step.
     */
    void output(Runnable effect) {
        step.add(effect);
    }

    private void endStep() {
        if (crashed) {
            step.clear(); // never left the node, so never acknowledged
            return;
        }
        if (held.isEmpty() && !storage.mustSync()) {
            // Nothing forced is pending; a lazy write (Durable#putLazily) goes to disk with the next fsync.
            for (Runnable r : step) r.run();
            if (storage.dirty()) syncUntoldLater();
        } else if (step.isEmpty() && held.isEmpty()) {
            // Wrote, told nobody (a commit mark, a learned value): a crash now loses nothing anyone saw, so its
            // fsync waits for the next step with something to send, or UNTOLD_SYNC at the latest. A kv put's three
            // commits then cost no fsync of their own (measured: fsyncs per put, kv-service/README.md).
            syncUntoldLater();
        } else {
            held.addAll(step);
            queueFlush();
        }
        step.clear();
    }

    private void queueFlush() {
        if (!flushQueued) {
            flushQueued = true;
            tasks.add(this::flush); // runs after the tasks already queued: they share its fsync
        }
    }

    private void syncUntoldLater() {
        if (untoldSyncArmed) return;
        untoldSyncArmed = true;
        try {
            thread.schedule(() -> execute(() -> {
                untoldSyncArmed = false;
                if (!crashed && storage.dirty()) queueFlush();
            }), untoldSyncNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            untoldSyncArmed = false;
        }
    }

    /** Tests: how long a write that no output waits for may stay off the disk. */
    void untoldSync(Duration bound) {
        untoldSyncNanos = bound.toNanos();
    }

    private void flush() {
        flushQueued = false;
        if (crashed) {
            held.clear();
            return;
        }
        try {
            storage.sync();
        } catch (StorageFailedException f) {
            failStorage(f);
            return;
        }
        List<Runnable> out = new ArrayList<>(held);
        held.clear();
        out.forEach(Runnable::run);
    }

    /** Fail-stop: a write or fsync failed, so the node stops for good; nothing it held back is released. */
    private void failStorage(StorageFailedException f) {
        storageFailure = f;
        crashNow("storage failed: " + f.getMessage());
    }

    /** Why the node's storage stopped it, or null. */
    public StorageFailedException storageFailure() {
        return storageFailure;
    }

    /** Fault injection: the node stops answering and loses volatile state until {@link #restart()}. */
    public void crash(String reason) {
        run(() -> crashNow(reason));
    }

    private void crashNow(String reason) {
        if (crashed) return;
        crashed = true;
        held.clear(); // never acknowledged, so losing them is allowed
        hosts.values().forEach(CoreHost::discard);
        emitNodeEvent("node.crash", reason);
        log.warn("{} crashed: {}", identity.self(), reason);
    }

    public void restart() {
        execute(() -> {
            if (!crashed) return;
            if (storageFailure != null) {
                log.error("{} stays down: its storage failed; restart the process to replay its log", identity.self());
                return;
            }
            crashed = false;
            emitNodeEvent("node.restart", "restart");
            hosts.values().forEach(h -> guard(null, h::recover));
        });
    }

    /** Fault injection: the node's cores stop for {@code ms}, as in a long GC pause; work queues up. */
    public void pause(long ms) {
        if (ms <= 0 || ms > 600_000) throw new IllegalArgumentException("pause ms must be within 1..600000, was " + ms);
        pausedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    }

    public boolean paused() {
        return pausedUntilNanos - System.nanoTime() > 0;
    }

    /** An event of the running step; one within a sampled trace carries it to the sink that can take it. */
    void emit(Event event, String trace) {
        if (trace != null && events instanceof TracedEventSink traced) traced.accept(event, trace);
        else events.accept(event);
    }

    private void emitNodeEvent(String kind, String reason) {
        logical.tick();
        events.accept(new Event(identity.service(), identity.self().value(), kind, logical.lamport(), logical.vector(),
                System.currentTimeMillis(), clock.millis(), Map.of("reason", reason)));
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
    }

    /** Thrown by Env.crashPoint when the point is armed; unwinds the handler so nothing after the point runs. */
    static final class CrashSignal extends RuntimeException {
        CrashSignal(String point) {
            super(point, null, false, false);
        }
    }
}
