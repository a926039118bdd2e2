package dsys.verifier.consistency;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ops of a small register history, as bitmask-friendly arrays (at most 64 ops).
 * Failed calls and reads with unknown results are dropped. A write with unknown outcome is
 * kept only if some read saw its value: leaving an unread one out is always at least as
 * permissive (it was its process's last op, so nothing is ordered after it). Written values
 * must be unique per key, so each read has one write it reads from.
 */
final class RegisterOps {
    static final int MAX_OPS = 64;
    static final int INITIAL = -1;
    static final int NOWHERE = -2;

    final int n;
    final Call[] call;
    final boolean[] write;
    final int[] key;
    final int keys;
    /** For reads: the op id of the write read from, INITIAL, or NOWHERE (a value never written). */
    final int[] readsFrom;
    final String[] process;
    /** Program order, real-time order and invocation order, as predecessor masks. */
    final long[] po;
    final long[] rt;
    final long[] invoked;

    RegisterOps(History h) {
        List<Call> writes = new ArrayList<>();
        List<Call> reads = new ArrayList<>();
        Map<String, Map<Object, Call>> byValue = new HashMap<>();
        for (Call c : h.calls()) {
            if (c.isFail()) continue;
            switch (c.f()) {
                case "write" -> {
                    if (c.input() == null) throw new IllegalArgumentException(c + ": null is the initial value and cannot be written");
                    Call dup = byValue.computeIfAbsent(c.key(), k -> new HashMap<>()).putIfAbsent(c.input(), c);
                    if (dup != null) {
                        throw new IllegalArgumentException(c + ": value already written by " + dup + "; the classifier needs unique values per key");
                    }
                    writes.add(c);
                }
                case "read" -> {
                    if (!c.isUnknown()) reads.add(c);
                }
                default -> throw new IllegalArgumentException(c + ": the classifier handles read and write only");
            }
        }
        List<Call> kept = new ArrayList<>();
        for (Call w : writes) {
            boolean seen = reads.stream().anyMatch(r -> Objects.equals(r.key(), w.key()) && w.input().equals(r.output()));
            if (!w.isUnknown() || seen) kept.add(w);
        }
        kept.addAll(reads);
        kept.sort((a, b) -> Integer.compare(a.invokePos(), b.invokePos()));
        if (kept.size() > MAX_OPS) {
            throw new IllegalArgumentException("the classifier is for small histories: " + kept.size() + " ops, at most " + MAX_OPS);
        }
        n = kept.size();
        call = kept.toArray(new Call[0]);
        write = new boolean[n];
        key = new int[n];
        readsFrom = new int[n];
        process = new String[n];
        Map<String, Integer> keyIds = new HashMap<>();
        for (int i = 0; i < n; i++) {
            write[i] = call[i].f().equals("write");
            key[i] = keyIds.computeIfAbsent(call[i].key(), k -> keyIds.size());
            process[i] = call[i].process();
        }
        keys = keyIds.size();
        for (int i = 0; i < n; i++) {
            if (write[i]) continue;
            readsFrom[i] = call[i].output() == null ? INITIAL : NOWHERE;
            for (int j = 0; j < n; j++) {
                if (write[j] && key[j] == key[i] && call[j].input().equals(call[i].output())) readsFrom[i] = j;
            }
        }
        po = new long[n];
        rt = new long[n];
        invoked = new long[n];
        for (int b = 0; b < n; b++) {
            for (int a = 0; a < n; a++) {
                if (a == b) continue;
                if (process[a].equals(process[b]) && call[a].invokePos() < call[b].invokePos()) po[b] |= 1L << a;
                if (call[a].precedes(call[b])) rt[b] |= 1L << a;
                if (call[a].invokePos() < call[b].invokePos()) invoked[b] |= 1L << a;
            }
        }
    }

    long writes() {
        long m = 0;
        for (int i = 0; i < n; i++) if (write[i]) m |= 1L << i;
        return m;
    }

    long of(String p) {
        long m = 0;
        for (int i = 0; i < n; i++) if (process[i].equals(p)) m |= 1L << i;
        return m;
    }

    long all() {
        return n == 64 ? -1L : (1L << n) - 1;
    }

    List<String> processes() {
        List<String> ps = new ArrayList<>();
        for (String p : process) if (!ps.contains(p)) ps.add(p);
        return ps;
    }
}
