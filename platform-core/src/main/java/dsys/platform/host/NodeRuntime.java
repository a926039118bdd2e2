package dsys.platform.host;

import dsys.core.clock.DriftingClock;
import dsys.core.clock.LogicalClocks;
import dsys.core.event.Event;
import dsys.core.event.EventSink;
import dsys.core.fault.FaultState;
import dsys.core.message.Envelope;
import dsys.core.transport.Transport;
import dsys.platform.node.NodeIdentity;
import dsys.platform.storage.FileDurable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * One live node: the single thread all its cores run on, its logical clocks and hardware clock, its durable
 * storage and the faults in force. Crash and restart (fault injection) act on every core of the node at once.
 */
public final class NodeRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);

    final NodeIdentity identity;
    final ScheduledExecutorService thread;
    final LogicalClocks logical;
    final DriftingClock clock;
    final FileDurable storage;
    final FaultState faults;
    final EventSink events;
    final RandomGenerator random = new SplittableRandom();
    final AtomicLong messageSeq = new AtomicLong();
    private final Map<String, CoreHost> hosts = new ConcurrentHashMap<>();
    private volatile Transport transport;
    private volatile boolean crashed;
    private volatile long pausedUntilNanos;
    private final List<Runnable> held = new ArrayList<>(); // outputs waiting for the next fsync (core thread only)
    private boolean flushQueued;

    public NodeRuntime(NodeIdentity identity, DriftingClock clock, FileDurable storage, FaultState faults, EventSink events) {
        this.identity = identity;
        this.clock = clock;
        this.storage = storage;
        this.faults = faults;
        this.events = events;
        this.logical = new LogicalClocks(identity.self().value());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dsys-core-" + identity.self());
            t.setDaemon(true);
            return t;
        });
    }

    public NodeIdentity identity() { return identity; }
    public FaultState faults() { return faults; }
    public DriftingClock clock() { return clock; }
    public boolean crashed() { return crashed; }

    /** The Lamport time now, read on the core thread (the clocks are not thread-safe). */
    public long lamportNow() {
        try {
            return thread.submit(logical::lamport).get(2, TimeUnit.SECONDS);
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

    void register(CoreHost host) {
        if (hosts.putIfAbsent(host.group(), host) != null) {
            throw new IllegalStateException("a core named '" + host.group() + "' already runs on " + identity.self());
        }
    }

    /** An envelope arrived for {@code group}; it is handled on the core thread (dropped if the node is crashed). */
    public boolean deliver(String group, Envelope envelope) {
        CoreHost host = hosts.get(group);
        if (host == null || crashed) return false;
        run(() -> host.onEnvelope(envelope));
        return true;
    }

    /** Runs on the core thread; a crash point reached inside crashes the node. */
    void run(Runnable task) {
        thread.execute(() -> guard(task));
    }

    void guard(Runnable task) {
        try {
            if (!crashed) task.run();
        } catch (CrashSignal c) {
            crashNow("crash point " + c.getMessage());
        } catch (RuntimeException e) {
            log.error("core task failed on {}", identity.self(), e);
        }
        if (storage.dirty() && !flushQueued) {
            flushQueued = true;
            thread.execute(this::flush); // runs after the tasks already queued: they share its fsync
        }
    }

    /**
     * A reply or message leaving the node. Held back while durable writes are not yet on disk, so nothing the
     * node acknowledges can be lost by a crash (output commit).
     */
    void output(Runnable effect) {
        if (held.isEmpty() && !storage.dirty()) effect.run();
        else held.add(effect);
    }

    private void flush() {
        flushQueued = false;
        if (crashed) {
            held.clear();
            return;
        }
        storage.sync();
        List<Runnable> out = new ArrayList<>(held);
        held.clear();
        out.forEach(Runnable::run);
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
        thread.execute(() -> {
            if (!crashed) return;
            crashed = false;
            emitNodeEvent("node.restart", "restart");
            hosts.values().forEach(h -> guard(h::recover));
        });
    }

    /** Fault injection: the node's core thread stops for {@code ms}, as in a long GC pause; work queues up. */
    public void pause(long ms) {
        if (ms <= 0 || ms > 600_000) throw new IllegalArgumentException("pause ms must be within 1..600000, was " + ms);
        pausedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        thread.execute(() -> {
            long left;
            while ((left = pausedUntilNanos - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    public boolean paused() {
        return pausedUntilNanos - System.nanoTime() > 0;
    }

    private void emitNodeEvent(String kind, String reason) {
        logical.tick();
        events.accept(new Event(identity.service(), identity.self().value(), kind, logical.lamport(), logical.vector(),
                System.currentTimeMillis(), clock.millis(), Map.of("reason", reason)));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    /** Thrown by Env.crashPoint when the point is armed; unwinds the handler so nothing after the point runs. */
    static final class CrashSignal extends RuntimeException {
        CrashSignal(String point) {
            super(point, null, false, false);
        }
    }
}
