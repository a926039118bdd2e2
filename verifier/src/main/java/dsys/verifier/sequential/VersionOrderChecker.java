package dsys.verifier.sequential;

import dsys.verifier.CheckResult;
import dsys.verifier.Violations;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.session.Version;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sequential consistency (顺序一致性, notes 副本与一致性 §2.1.1.3) of a register history, decided in the order of the
 * versions the store reported: a store that applies every write in one total order says so with its versions (active
 * replication's Lamport stamps), and that order is a witness the checker verifies, not trusts. Every write is put at
 * its version's place in the order of all versions seen; a read of version v of key k goes anywhere after v and
 * before the next version of k anyone saw; a read that found nothing goes before k's first version. The history is
 * sequentially consistent if each process's calls fit in that order in program order (a greedy pass places each read
 * as early as it may, which is never worse), and each version carries one value. Then one interleaving of all calls
 * respects every process's order and makes every read return the latest write: proven, not assumed. If they do not
 * fit, the store's own order contradicts what a client saw: invalid (some other order might still exist, but it would
 * not be the order the store claims to have applied).
 * <p>Failed calls had no effect and are left out; a write of unknown outcome is placed by its version if anyone read
 * it (its process, which stops at such a call, has nothing after it to order), and otherwise may have taken effect
 * last. Calls without a key are ignored. Cost: O(n log n).
 */
public final class VersionOrderChecker {

    private VersionOrderChecker() {
    }

    /** A place in the order: after the write at {@code slot}; {@code read} places it after that write's readers too. */
    private record Place(long slot, boolean read) {
        boolean before(Place o) {
            return slot != o.slot ? slot < o.slot : !read && o.read;
        }
    }

    public static CheckResult check(History h) {
        Violations v = new Violations();
        TreeSet<Version> all = new TreeSet<>();
        Map<String, TreeSet<Version>> byKey = new HashMap<>();
        Map<Version, Object> values = new HashMap<>();
        Map<Version, Call> writers = new HashMap<>();
        all.add(Version.ZERO);
        for (Call c : h.calls()) {
            Version ver = version(c);
            if (c.key() == null || !c.isOk() || ver == null) continue;
            all.add(ver);
            byKey.computeIfAbsent(c.key(), k -> new TreeSet<>()).add(ver);
            if (!isRead(c)) writers.put(ver, c);
        }
        for (Call c : h.calls()) { // one value per version: what was written is what is read
            Version ver = version(c);
            if (c.key() == null || !c.isOk() || ver == null || ver.equals(Version.ZERO)) continue;
            Object val = written(c);
            Object before = values.putIfAbsent(ver, val);
            if (before != null && !Objects.equals(String.valueOf(before), String.valueOf(val))) {
                v.add("key " + c.key() + ": version " + ver + " carries " + before + " and " + val + " (#" + c.invoke().index() + ")");
            }
        }
        Map<Version, Long> slot = new HashMap<>();
        long i = 0;
        for (Version ver : all) slot.put(ver, i++);
        Map<String, List<Call>> byProcess = new TreeMap<>();
        for (Call c : h.calls()) if (c.key() != null && c.isOk()) byProcess.computeIfAbsent(c.process(), p -> new ArrayList<>()).add(c);
        for (Map.Entry<String, List<Call>> e : byProcess.entrySet()) {
            Place cur = new Place(-1, true);
            Call previous = null;
            for (Call c : e.getValue()) {
                Version ver = version(c);
                TreeSet<Version> ofKey = byKey.getOrDefault(c.key(), new TreeSet<>());
                if (isRead(c)) {
                    Version read = ver == null ? Version.ZERO : ver;
                    Version next = ofKey.higher(read);
                    long lo = slot.get(read), hi = next == null ? Long.MAX_VALUE : slot.get(next) - 1;
                    Place at = new Place(Math.max(cur.slot(), lo), true);
                    if (at.slot() > hi) {
                        v.add("key " + c.key() + ": process " + e.getKey() + " read " + read + " (#" + c.invoke().index()
                                + ") after its " + describe(previous) + ", but in the store's order " + next + " of "
                                + c.key() + " came before that: no one order of all writes explains what it saw");
                        break;
                    }
                    cur = at;
                } else if (ver != null) {
                    Place at = new Place(slot.get(ver), false);
                    if (at.before(cur) || at.equals(cur)) {
                        v.add("key " + c.key() + ": process " + e.getKey() + " wrote " + ver + " (#" + c.invoke().index()
                                + ") after its " + describe(previous) + ", which the store's order puts later");
                        break;
                    }
                    cur = at;
                }
                previous = c;
            }
        }
        return v.result();
    }

    private static String describe(Call c) {
        if (c == null) return "start";
        return (isRead(c) ? "read of " : "write of ") + c.key() + " at " + version(c) + " (#" + c.invoke().index() + ")";
    }

    private static boolean isRead(Call c) {
        return c.f().equals("read");
    }

    /** The value a call wrote (a compare-and-set's new value) or read. */
    private static Object written(Call c) {
        if (isRead(c)) return c.output();
        if (c.f().equals("cas") && c.input() instanceof List<?> l && l.size() == 2) return l.get(1);
        if (c.f().equals("delete")) return null;
        return c.input();
    }

    private static Version version(Call c) {
        String s = c.version();
        if (s == null || s.isBlank()) return null;
        try {
            return Version.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
