package dsys.verifier.history;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Records a history live from concurrent clients. Thread-safe; each line gets the next index
 * and the time under one lock, so index order is real-time order. Call {@link #invoke} right
 * before sending the request and complete the returned handle right after the reply: the
 * interval between the two lines must contain the operation's effect.
 *
 * <pre>{@code
 * HistoryRecorder rec = new HistoryRecorder();
 * HistoryRecorder.Pending p = rec.invoke("c1", "write", "x", 3);
 * try { client.put("x", 3); p.ok(); }
 * catch (Rejected e) { p.fail(e.getMessage()); }     // certainly not applied
 * catch (TimeoutException e) { p.info("timeout"); }  // may or may not be applied; c1 is now dead
 * }</pre>
 */
public final class HistoryRecorder {
    private final LongSupplier clock;
    private final HistoryWriter sink;
    private final List<Op> ops = new ArrayList<>();
    private final Set<String> busy = new HashSet<>();
    private final Set<String> crashed = new HashSet<>();

    /** In memory, timed by {@link System#nanoTime()}. */
    public HistoryRecorder() {
        this(System::nanoTime, null);
    }

    /**
     * @param clock monotonic ns (a simulator passes its virtual clock)
     * @param sink  where each line is journaled as it is recorded, or null
     */
    public HistoryRecorder(LongSupplier clock, HistoryWriter sink) {
        this.clock = clock;
        this.sink = sink;
    }

    public Pending invoke(String process, String f, Object key, Object value) {
        return invoke(process, null, f, key, value);
    }

    /** As {@link #invoke(String, String, Object, Object)}, naming the node the request goes to. */
    public Pending invoke(String process, String node, String f, Object key, Object value) {
        return invoke(process, node, null, f, key, value);
    }

    /** As {@link #invoke(String, String, String, Object, Object)}, for a call that carries a client session. */
    public synchronized Pending invoke(String process, String node, String session, String f, Object key, Object value) {
        if (Op.NEMESIS.equals(process)) throw new IllegalArgumentException("use nemesis() for fault injection");
        if (crashed.contains(process)) {
            throw new IllegalStateException("process " + process + " got info and must not invoke again; use a new id");
        }
        if (!busy.add(process)) throw new IllegalStateException("process " + process + " already has a call in flight");
        String k = key == null ? null : String.valueOf(key);
        Op inv = append(process, node, session, OpType.INVOKE, f, k, value, null, null);
        return new Pending(inv);
    }

    /** Records a fault injection (partition, crash, heal, ...) as a standalone nemesis line. */
    public synchronized void nemesis(String f, Object value) {
        append(Op.NEMESIS, null, null, OpType.INFO, f, null, value, null, null);
    }

    public synchronized History history() {
        return History.of(new ArrayList<>(ops));
    }

    private Op append(String process, String node, String session, OpType type, String f, String key, Object value,
                      String error, String version) {
        Op op = new Op(ops.size(), clock.getAsLong(), process, node, type, f, key, value, error, session, version);
        ops.add(op);
        if (sink != null) sink.append(op);
        return op;
    }

    private synchronized void complete(Op inv, OpType type, Object value, String error, String version) {
        busy.remove(inv.process());
        if (type == OpType.INFO) crashed.add(inv.process());
        append(inv.process(), inv.node(), inv.session(), type, inv.f(), inv.key(), value, error, version);
    }

    /** An invocation in flight; complete it exactly once. */
    public final class Pending {
        private final Op invoke;
        private boolean done;

        private Pending(Op invoke) {
            this.invoke = invoke;
        }

        public Op invocation() {
            return invoke;
        }

        /** Success, echoing the invocation's value (writes, acquires without a result). */
        public void ok() {
            ok(invoke.value());
        }

        /** Success with the result (a read's value, a grant's {owner, token}). */
        public void ok(Object value) {
            finish(OpType.OK, value, null, null);
        }

        /** Success with the result and the version the service reported for it (an ETag). */
        public void ok(Object value, String version) {
            finish(OpType.OK, value, null, version);
        }

        /** Certainly had no effect. */
        public void fail(String error) {
            finish(OpType.FAIL, invoke.value(), error, null);
        }

        /** Outcome unknown (timeout, connection lost). The process must not invoke again. */
        public void info(String error) {
            finish(OpType.INFO, invoke.value(), error, null);
        }

        private void finish(OpType type, Object value, String error, String version) {
            synchronized (HistoryRecorder.this) {
                if (done) throw new IllegalStateException("call already completed: " + invoke);
                done = true;
                complete(invoke, type, value, error, version);
            }
        }
    }
}
