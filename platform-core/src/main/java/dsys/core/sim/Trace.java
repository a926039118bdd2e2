package dsys.core.sim;

import java.util.ArrayDeque;
import java.util.Locale;

/** The last steps of a run, kept cheaply (formatted only when asked) to explain a failure. */
final class Trace {

    private record Line(long time, Object node, String what, Object detail) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%14.6f ms  %-10s %s%s", time / 1e6, node == null ? "-" : node, what,
                    detail == null ? "" : " " + detail);
        }
    }

    private final int capacity;
    private final ArrayDeque<Line> lines;

    Trace(int capacity) {
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    void add(long time, Object node, String what, Object detail) {
        if (lines.size() == capacity) lines.removeFirst();
        lines.addLast(new Line(time, node, what, detail));
    }

    String tail(int n) {
        StringBuilder b = new StringBuilder();
        int skip = Math.max(0, lines.size() - n);
        for (Line l : lines) {
            if (skip-- > 0) continue;
            b.append(l).append('\n');
        }
        return b.toString();
    }
}
