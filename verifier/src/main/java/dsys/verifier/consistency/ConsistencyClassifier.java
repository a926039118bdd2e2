package dsys.verifier.consistency;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;

import java.util.EnumMap;
import java.util.Map;

/**
 * Decides, for a small history of reads and writes on registers (at most 64 ops, unique
 * written values per key, initial value null), which consistency models it satisfies.
 * Exhaustive, so exact; exponential in the worst case, so for teaching-size histories.
 *
 * <pre>{@code
 * Classification c = ConsistencyClassifier.classify(PointHistories.parse("""
 *     P1:\tW(x)a
 *     P2:\tR(x)a\tW(x)b
 *     P3:\t\tR(x)b\tR(x)a"""));
 * c.satisfies(ConsistencyModel.PRAM);   // true
 * c.satisfies(ConsistencyModel.CAUSAL); // false
 * }</pre>
 */
public final class ConsistencyClassifier {
    private final RegisterOps ops;

    private ConsistencyClassifier(History h) {
        this.ops = new RegisterOps(h);
    }

    /** @throws IllegalArgumentException if the history is not a small unique-value register history */
    public static Classification classify(History h) {
        ConsistencyClassifier c = new ConsistencyClassifier(h);
        Map<ConsistencyModel, Boolean> holds = new EnumMap<>(ConsistencyModel.class);
        Map<ConsistencyModel, String> reasons = new EnumMap<>(ConsistencyModel.class);
        String thinAir = c.thinAir();
        for (ConsistencyModel m : ConsistencyModel.values()) {
            String why = thinAir != null ? thinAir : c.violation(m);
            holds.put(m, why == null);
            if (why != null) reasons.put(m, why);
        }
        return new Classification(holds, reasons);
    }

    public static boolean satisfies(History h, ConsistencyModel m) {
        ConsistencyClassifier c = new ConsistencyClassifier(h);
        return c.thinAir() == null && c.violation(m) == null;
    }

    private String thinAir() {
        for (int i = 0; i < ops.n; i++) {
            if (!ops.write[i] && ops.readsFrom[i] == RegisterOps.NOWHERE) {
                return "read " + ops.call[i] + " returns a value no write wrote";
            }
        }
        return null;
    }

    /** Null when the model holds, else why not. */
    private String violation(ConsistencyModel m) {
        return switch (m) {
            case STRICT -> global(ops.invoked, "no legal order follows the invocation (absolute time) order");
            case LINEARIZABLE -> global(ops.rt, "no legal order of all ops respects real time");
            case SEQUENTIAL -> global(ops.po, "no legal order of all ops respects program order");
            case CAUSAL -> causal();
            default -> perProcess(m);
        };
    }

    private String global(long[] pred, String why) {
        return ViewSearch.exists(ops, ops.all(), pred) ? null : why;
    }

    private String causal() {
        long[] causal = causalOrder();
        for (int i = 0; i < ops.n; i++) {
            if ((causal[i] >>> i & 1) != 0) return "causality is cyclic at " + ops.call[i];
        }
        for (String p : ops.processes()) {
            long view = ops.writes() | ops.of(p);
            if (!ViewSearch.exists(ops, view, causal)) return failedView(p, "respects causality");
        }
        return null;
    }

    private String perProcess(ConsistencyModel m) {
        long writes = ops.writes();
        for (String p : ops.processes()) {
            long mine = ops.of(p);
            long reads = mine & ~writes;
            long[] pred = new long[ops.n];
            for (int i = 0; i < ops.n; i++) {
                long bit = 1L << i;
                boolean myRead = (reads & bit) != 0;
                pred[i] = switch (m) {
                    case PRAM -> ops.po[i];
                    case MONOTONIC_READS -> myRead ? ops.po[i] & reads : 0;
                    case MONOTONIC_WRITES -> myRead ? ops.po[i] & reads : ops.po[i] & writes;
                    case READ_YOUR_WRITES -> myRead ? ops.po[i] & writes & mine : 0;
                    case WRITES_FOLLOW_READS -> myRead ? ops.po[i] & reads : ops.write[i] ? sourcesOfEarlierReads(i) : 0;
                    default -> throw new IllegalStateException(m.name());
                };
            }
            if (!ViewSearch.exists(ops, writes | reads, pred)) return failedView(p, "satisfies " + m.id());
        }
        return null;
    }

    /** The writes seen by reads that precede write {@code w} in its process. */
    private long sourcesOfEarlierReads(int w) {
        long m = 0;
        for (int r = 0; r < ops.n; r++) {
            if (!ops.write[r] && (ops.po[w] >>> r & 1) != 0 && ops.readsFrom[r] >= 0) m |= 1L << ops.readsFrom[r];
        }
        return m;
    }

    /** Transitive closure of program order and reads-from (Warshall on predecessor masks). */
    private long[] causalOrder() {
        long[] pred = ops.po.clone();
        for (int i = 0; i < ops.n; i++) {
            if (!ops.write[i] && ops.readsFrom[i] >= 0) pred[i] |= 1L << ops.readsFrom[i];
        }
        for (int k = 0; k < ops.n; k++) {
            for (int i = 0; i < ops.n; i++) {
                if ((pred[i] >>> k & 1) != 0) pred[i] |= pred[k];
            }
        }
        return pred;
    }

    private String failedView(String p, String what) {
        StringBuilder sb = new StringBuilder("no order of all writes and ").append(p).append("'s reads ").append(what)
                .append("; ").append(p).append(" read");
        for (int i = 0; i < ops.n; i++) {
            Call c = ops.call[i];
            if (!ops.write[i] && ops.process[i].equals(p)) {
                sb.append(' ').append(c.key() == null ? "" : c.key()).append('=').append(c.output());
            }
        }
        return sb.toString();
    }
}
