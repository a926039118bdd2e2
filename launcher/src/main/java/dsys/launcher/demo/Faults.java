package dsys.launcher.demo;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The faults a demo made and how to undo each: a demo heals them itself where the story does (a crashed leader
 * restarts), and {@link #healAll} undoes whatever is left, newest first — at the end of a run, on a failure, and from
 * the shutdown hook on Ctrl-C or SIGTERM. A fault is made and recorded under one lock that {@link #healAll} also
 * takes, so an interrupt never finds a fault sent but not yet recorded; after {@link #healAll} began, no new fault
 * is made.
 */
final class Faults {

    /** A fault in force: {@link #heal()} undoes it once, however often it is called. */
    final class Fault {
        private final String what;
        private final Runnable undo;
        private Api.Answer answer;
        private boolean healed;

        /** What the request that made the fault answered (null when the fault needed no request). */
        Api.Answer answer() {
            return answer;
        }

        private Fault(String what, Runnable undo) {
            this.what = what;
            this.undo = undo;
        }

        void heal() {
            synchronized (Faults.this) {
                if (healed) return;
                healed = true;
                open.remove(this);
                undo.run();
            }
        }
    }

    /** Thrown into a demo that tries to make a fault after healing began (the run was interrupted). */
    static final class Closed extends RuntimeException {
        Closed() {
            super("interrupted: the faults were healed, no new one is made");
        }
    }

    private final Deque<Fault> open = new ArrayDeque<>();
    private boolean closed;

    /**
     * Sends {@code make} (the request that injects the fault; null for none) and records {@code undo} for it,
     * atomically. The undo is recorded first: undoing a fault whose request failed does no harm.
     */
    synchronized Fault make(String what, java.util.function.Supplier<Api.Answer> make, Runnable undo) {
        if (closed) throw new Closed();
        Fault f = new Fault(what, undo);
        open.push(f);
        if (make != null) f.answer = make.get();
        return f;
    }

    synchronized boolean anyOpen() {
        return !open.isEmpty();
    }

    /** Undoes every fault still open, newest first; returns what it healed (a failed undo is reported, not thrown). */
    synchronized List<String> healAll(PrintStream out, boolean close) {
        closed |= close;
        List<String> healed = new ArrayList<>();
        while (!open.isEmpty()) {
            Fault f = open.peek();
            try {
                f.heal();
                healed.add(f.what);
            } catch (RuntimeException e) {
                open.remove(f);
                out.println("   ✗ could not undo " + f.what + ": " + e.getMessage() + " (./platform status; DELETE /api/chaos heals partitions and crashes)");
            }
        }
        return healed;
    }
}
