package dsys.platform.host;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.core.message.Envelope;
import dsys.platform.web.ProblemException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Runs one algorithm core on a live node and is the Spring side's handle on it: controllers {@link #call} it,
 * the transport delivers envelopes to it. The core object is replaced on crash/restart; timers and pending
 * requests of a crashed core die with it.
 */
public final class CoreHost {

    private final NodeRuntime node;
    private final String group;
    private final Function<Env, Core> factory;
    private final LiveEnv env;
    private final Map<String, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
    private final Map<Long, ScheduledFuture<?>> timers = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Core core;
    private long generation;

    CoreHost(NodeRuntime node, String group, Function<Env, Core> factory) {
        this.node = node;
        this.group = group;
        this.factory = factory;
        this.env = new LiveEnv(node, this);
    }

    void startCore(boolean recovering) {
        core = factory.apply(env);
        if (recovering) core.onRecover();
        else core.onStart();
    }

    public String group() {
        return group;
    }

    public Env env() {
        return env;
    }

    /** Asks the core and waits for its reply; a {@link Rejection} becomes a {@link ProblemException}. */
    public Object call(Object request, Duration timeout) {
        try {
            return callAsync(request, timeout).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(503, "interrupted", "Interrupted", "the request was interrupted");
        }
    }

    public CompletableFuture<Object> callAsync(Object request, Duration timeout) {
        return callAsync(request, timeout, currentTrace()); // the request's span, taken on the caller's thread
    }

    /**
     * As {@link #callAsync(Object, Duration)}, in the sampled trace {@code trace} (a traceparent; null: none): for a
     * caller that goes on later, on another thread, with work of a trace it took earlier ({@link #currentTrace}).
     */
    public CompletableFuture<Object> callAsync(Object request, Duration timeout, String trace) {
        if (node.crashed()) return CompletableFuture.failedFuture(crashedProblem());
        String id = node.identity.self() + "/" + group + "/" + ids.incrementAndGet();
        CompletableFuture<Object> f = new CompletableFuture<>();
        pending.put(id, f);
        node.run(trace, () -> core.onRequest(new RequestId(id), request));
        return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(t -> CompletableFuture.failedFuture(translate(t, timeout)))
                .whenComplete((r, t) -> pending.remove(id));
    }

    /** Hands the core a request whose answer nobody waits for (schedules, background work). */
    public void tell(Object request) {
        String id = node.identity.self() + "/" + group + "/tell-" + ids.incrementAndGet();
        String trace = currentTrace();
        node.run(trace, () -> core.onRequest(new RequestId(id), request));
    }

    /**
     * The calling thread's sampled trace (a traceparent): its request's span, or the step of this node it runs in (a
     * core's call into another core of the node, an answer's continuation); null if none.
     */
    public String currentTrace() {
        String t = node.tracing().current();
        return t != null ? t : node.stepTraceOfThisThread();
    }

    /** Runs a read-only query in the node's serial section so it sees a consistent state; waits up to 5 s. */
    public <T> T read(Function<Core, T> query) {
        return read(query, READ_WAIT);
    }

    private static final Duration READ_WAIT = Duration.ofSeconds(5);

    /**
     * As {@link #read(Function)}, waiting up to {@code wait}: a read at start queues behind the cores loading their
     * state from disk, which on a host starting a dozen JVMs at once took longer than 5 s (a kv node with a dozen
     * keyspaces on disk failed to start).
     */
    public <T> T read(Function<Core, T> query, Duration wait) {
        if (node.crashed()) throw crashedProblem();
        CompletableFuture<T> f = new CompletableFuture<>();
        node.run(() -> f.complete(query.apply(core)));
        try {
            return f.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ProblemException(504, "timeout", "Timed out", "node " + node.identity.self() + " did not answer within "
                    + wait.toMillis() + " ms (paused?)");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(503, "interrupted", "Interrupted", "the query was interrupted");
        }
    }

    /** Messages sent and received by this core, by type, since start. */
    public Map<String, Long> messageCounts(boolean sentSide) {
        Map<String, Long> m = new java.util.TreeMap<>();
        (sentSide ? sent : received).forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    private ProblemException crashedProblem() {
        return new ProblemException(503, "node-crashed", "Node crashed",
                "node " + node.identity.self() + " is crashed (fault injection); POST /api/chaos/nodes/" + node.identity.self() + "/restart brings it back");
    }

    private Throwable translate(Throwable t, Duration timeout) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof TimeoutException) {
            return new ProblemException(504, "timeout", "Timed out",
                    "node " + node.identity.self() + " did not complete the request within " + timeout.toMillis() + " ms");
        }
        return c;
    }

    void countSent(String type) {
        sent.computeIfAbsent(type, k -> new LongAdder()).increment();
    }

    void complete(RequestId request, Object result) {
        CompletableFuture<Object> f = pending.get(request.value());
        if (f == null) return;
        if (result instanceof Rejection r) f.completeExceptionally(ProblemException.of(r));
        else f.complete(result);
    }

    void onEnvelope(Envelope e) {
        node.logical.receive(e.lamport(), e.vector());
        if (node.journal.recording()) node.journal.received(e, node.logical.lamport(), node.logical.vector());
        received.computeIfAbsent(e.type(), k -> new LongAdder()).increment();
        core.onMessage(e.from(), e.payload());
    }

    TimerId schedule(Duration delay, Object timer) {
        long id = ids.incrementAndGet();
        long gen = generation;
        ScheduledFuture<?> f = node.thread.schedule(() -> node.run(() -> {
            timers.remove(id);
            if (gen == generation) core.onTimer(timer);
        }), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        timers.put(id, f);
        return new TimerId(id);
    }

    void cancelTimer(TimerId t) {
        ScheduledFuture<?> f = timers.remove(t.value());
        if (f != null) f.cancel(false);
    }

    /** Crash: forget the core, its timers, and fail whoever waits on it. */
    void discard() {
        generation++;
        timers.values().forEach(f -> f.cancel(false));
        timers.clear();
        pending.values().forEach(f -> f.completeExceptionally(crashedProblem()));
        pending.clear();
        core = null;
    }

    void recover() {
        startCore(true);
    }
}
