package dsys.lock.byzantine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One general of the notes' algorithm (§ 故障系统中的一致性协议, 拜占庭将军问题), as an exponential-information-
 * gathering tree, which is the notes' four steps written for any number of rounds:
 * <ol>
 * <li>round 1 — every general tells the n−1 others its value: {@code val([k])} is what k said (step 1);</li>
 * <li>those values, with its own, are this general's vector (step 2);</li>
 * <li>round 2 — every general sends its vector to the n−1 others: {@code val([k, j])} is what j says k told it
 *     (step 3); rounds 3.. relay one level deeper ("what j says i says k told i");</li>
 * <li>resolve bottom-up: element k of the result is the strict majority, over every j ≠ k, of what j reports
 *     about k (this general's own report included), or UNKNOWN (step 4).</li>
 * </ol>
 * With two rounds this is exactly the notes' algorithm, which reaches agreement for n ≥ 3m+1 only when m = 1;
 * m traitors need m+1 rounds (Lamport–Shostak–Pease OM(m)). A traitor sends whatever its {@link TraitorStrategy}
 * says. A path — the chain of generals a value passed through, first the one it is about — is coded as a long
 * (one base-(n+1) digit per general), so the tree is a map from numbers to values.
 */
public final class ByzantineGeneral {

    public static final String UNKNOWN = "UNKNOWN";
    /** The empty path: the general's own value. */
    public static final long ROOT = 0;

    private final int n;
    private final int base;
    private final int self;
    private final int rounds;
    private final TraitorStrategy liar;
    private final Map<Long, String> val = new HashMap<>();
    private final long[][] pathsByLength;
    private List<String> result;

    /** {@code liar} null means loyal. */
    public ByzantineGeneral(int n, int self, String value, int rounds, TraitorStrategy liar) {
        if (rounds < 1 || rounds > n) throw new IllegalArgumentException("rounds must be within 1.." + n);
        this.n = n;
        this.base = n + 1;
        this.self = self;
        this.rounds = rounds;
        this.liar = liar;
        this.pathsByLength = new long[rounds + 1][];
        val.put(ROOT, value);
    }

    public boolean loyal() {
        return liar == null;
    }

    public int rounds() {
        return rounds;
    }

    /** What this general sends {@code to} in {@code round}: its value at every path of length round−1 it is not on. */
    public Map<Long, String> report(int round, int to) {
        Map<Long, String> out = new LinkedHashMap<>();
        for (long path : paths(round - 1)) {
            if (contains(path, self)) continue;
            String truth = val.getOrDefault(path, UNKNOWN);
            out.put(path, liar == null ? truth : liar.report(round, self, to, list(path), truth));
        }
        return out;
    }

    /** {@code from}'s round-{@code round} report: val(path·from) for each path from may report on. */
    public void receive(int round, int from, Map<Long, String> report) {
        if (from == self || from < 0 || from >= n || round < 1 || round > rounds) return;
        for (long path : paths(round - 1)) {
            if (contains(path, from)) continue;
            String v = report.get(path);
            if (v != null) val.putIfAbsent(append(path, from), v);
        }
    }

    /** Ends a round: this general's own relay (val(path·self) = val(path)); anything not received is UNKNOWN. */
    public void closeRound(int round) {
        for (long path : paths(round - 1)) {
            for (int k = 0; k < n; k++) {
                if (contains(path, k)) continue;
                val.putIfAbsent(append(path, k), k == self ? val.getOrDefault(path, UNKNOWN) : UNKNOWN);
            }
        }
    }

    /** Step 2: what each general told this one in round 1 (its own value at its own place). */
    public List<String> vector() {
        List<String> v = new ArrayList<>();
        for (int k = 0; k < n; k++) v.add(val.getOrDefault(append(ROOT, k), UNKNOWN));
        return v;
    }

    /** Step 3 as received: the vector general j sent this one (j's report about k at k; j's own place is empty). */
    public List<String> vectorFrom(int j) {
        List<String> v = new ArrayList<>();
        for (int k = 0; k < n; k++) v.add(k == j ? null : val.getOrDefault(append(append(ROOT, k), j), UNKNOWN));
        return v;
    }

    /** Step 4: element k is the resolved value of path [k]. Call after the last round is closed. */
    public List<String> result() {
        if (result == null) {
            List<String> r = new ArrayList<>();
            for (int k = 0; k < n; k++) r.add(resolve(append(ROOT, k), 1));
            result = List.copyOf(r);
        }
        return result;
    }

    /** What the army does: the value in a strict majority of the result's elements, else UNKNOWN. */
    public String decision() {
        return majority(result());
    }

    private String resolve(long path, int length) {
        if (length == rounds) return val.getOrDefault(path, UNKNOWN);
        List<String> children = new ArrayList<>(n - length);
        for (int j = 0; j < n; j++) if (!contains(path, j)) children.add(resolve(append(path, j), length + 1));
        return majority(children);
    }

    static String majority(List<String> values) {
        Map<String, Integer> counts = new HashMap<>();
        for (String v : values) {
            int c = counts.merge(v, 1, Integer::sum);
            if (2 * c > values.size()) return v;
        }
        return UNKNOWN;
    }

    /** Every path of distinct generals of this length, in lexicographic order. */
    long[] paths(int length) {
        if (pathsByLength[length] == null) {
            List<Long> out = new ArrayList<>();
            extend(ROOT, 0, length, out);
            pathsByLength[length] = out.stream().mapToLong(Long::longValue).toArray();
        }
        return pathsByLength[length];
    }

    private void extend(long prefix, int size, int length, List<Long> out) {
        if (size == length) {
            out.add(prefix);
            return;
        }
        for (int k = 0; k < n; k++) if (!contains(prefix, k)) extend(append(prefix, k), size + 1, length, out);
    }

    private long append(long path, int k) {
        return path * base + k + 1;
    }

    private boolean contains(long path, int k) {
        for (long p = path; p != 0; p /= base) if (p % base == k + 1) return true;
        return false;
    }

    /** The path as general indexes, first the general the value is about. */
    List<Integer> list(long path) {
        List<Integer> out = new ArrayList<>();
        for (long p = path; p != 0; p /= base) out.add(0, (int) (p % base) - 1);
        return out;
    }

    /** A path as a message key: "" for the root, "0.2" for [0, 2] (messages carry plain strings). */
    public String key(long path) {
        return String.join(".", list(path).stream().map(String::valueOf).toList());
    }

    /** The path a message key names; −1 for a malformed key. */
    public long path(String key) {
        if (key.isEmpty()) return ROOT;
        long p = ROOT;
        try {
            for (String part : key.split("\\.")) {
                int k = Integer.parseInt(part);
                if (k < 0 || k >= n || contains(p, k)) return -1;
                p = append(p, k);
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        return p;
    }

    /** Number of tree entries a general keeps: the cost that bounds n and rounds. */
    public static long treeSize(int n, int rounds) {
        long total = 0, level = 1;
        for (int r = 1; r <= rounds; r++) {
            level *= (n - r + 1);
            if (level <= 0) break;
            total += level;
        }
        return total;
    }
}
