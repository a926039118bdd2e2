package dsys.verifier.lock;

import dsys.verifier.CheckResult;
import dsys.verifier.Violations;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Op;
import dsys.verifier.history.Values;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lock safety over a history whose key is the lock name:
 * <ul>
 * <li>no two owners certainly hold the lock at once. A hold is certain from its acquire's
 * ok until the owner's next release is invoked, or its lease certainly ran out;</li>
 * <li>fencing tokens strictly increase in grant order: a grant that began after another
 * grant completed has a larger token, and no token is granted twice;</li>
 * <li>the fenced resource never accepted a stale token: an accepted {@code use} never carries
 * a smaller token than one accepted before it began.</li>
 * </ul>
 * Shapes: acquire ok value = owner, or {"owner", "token", "leaseMs"?}; release value = owner
 * or {"owner", ...}; use value = token or {"token"}, ok = accepted. Without an owner in the
 * value the process is the owner. Lease cut-offs compare {@code time} across processes, so
 * they need one clock for the whole history (one {@code HistoryRecorder}).
 */
public final class LockChecker {
    private final long defaultLeaseNanos;

    /** Holds last until released (no leases). */
    public LockChecker() {
        this(Long.MAX_VALUE);
    }

    /** Holds last until released or {@code leaseNanos} after the acquire was invoked, unless a grant says leaseMs. */
    public LockChecker(long leaseNanos) {
        this.defaultLeaseNanos = leaseNanos;
    }

    record Hold(Call acquire, String owner, Long token, int start, int end) {
    }

    public CheckResult check(History h) {
        Violations v = new Violations();
        h.callsByKey().forEach((lock, calls) -> {
            List<Hold> holds = holds(h, calls);
            exclusion(h, lock, holds, v);
            tokens(lock, holds, v);
            fencedResource(lock, calls, v);
        });
        return v.result();
    }

    private List<Hold> holds(History h, List<Call> calls) {
        List<Hold> holds = new ArrayList<>();
        for (Call a : calls) {
            if (!a.f().equals("acquire") || !a.isOk()) continue;
            String owner = owner(a);
            int end = h.size();
            for (Call r : calls) {
                if (r.f().equals("release") && r.invokePos() > a.completionPos() && owner.equals(owner(r))) {
                    end = r.invokePos();
                    break;
                }
            }
            long lease = lease(a);
            if (lease != Long.MAX_VALUE) {
                long expiresNoEarlierThan = a.invoke().time() + lease;
                for (int pos = a.completionPos() + 1; pos < end; pos++) {
                    if (h.ops().get(pos).time() > expiresNoEarlierThan) {
                        end = pos;
                        break;
                    }
                }
            }
            holds.add(new Hold(a, owner, asLong(Values.field(a.output(), "token")), a.completionPos(), end));
        }
        return holds;
    }

    private static void exclusion(History h, String lock, List<Hold> holds, Violations v) {
        List<Hold> byStart = new ArrayList<>(holds);
        byStart.sort(Comparator.comparingInt(Hold::start));
        for (int i = 0; i < byStart.size(); i++) {
            Hold a = byStart.get(i);
            for (int j = i + 1; j < byStart.size() && byStart.get(j).start() < a.end(); j++) {
                Hold b = byStart.get(j);
                if (a.owner().equals(b.owner())) continue;
                int until = Math.min(a.end(), b.end());
                v.add("lock " + lock + ": " + describe(a) + " and " + describe(b) + " both held it from index "
                        + b.acquire().completion().index() + " until "
                        + (until == h.size() ? "the end of the history" : "index " + h.ops().get(until).index()));
            }
        }
    }

    private static void tokens(String lock, List<Hold> holds, Violations v) {
        Map<Long, Hold> granted = new HashMap<>();
        for (Hold a : holds) {
            if (a.token() == null) continue;
            Hold twice = granted.putIfAbsent(a.token(), a);
            if (twice != null) v.add("lock " + lock + ": token " + a.token() + " granted twice, " + describe(twice) + " and " + describe(a));
            for (Hold b : holds) {
                if (b.token() != null && b.acquire().precedes(a.acquire()) && b.token() > a.token()) {
                    v.add("lock " + lock + ": " + describe(a) + " was granted after " + describe(b) + " yet has a smaller token");
                }
            }
        }
    }

    private static void fencedResource(String lock, List<Call> calls, Violations v) {
        List<Call> accepted = calls.stream().filter(c -> c.f().equals("use") && c.isOk()).toList();
        for (Call u : accepted) {
            long t = useToken(u);
            for (Call earlier : accepted) {
                if (earlier.precedes(u) && useToken(earlier) > t) {
                    v.add("lock " + lock + ": the resource accepted stale token " + t + " (index " + u.invoke().index()
                            + ") after accepting token " + useToken(earlier) + " (index " + earlier.invoke().index() + ")");
                    break;
                }
            }
        }
    }

    private long lease(Call a) {
        Object ms = Values.field(a.output(), "leaseMs");
        if (ms == null) ms = Values.field(a.input(), "leaseMs");
        return ms instanceof Number n ? n.longValue() * 1_000_000 : defaultLeaseNanos;
    }

    private static String owner(Call c) {
        for (Object v : new Object[]{c.input(), c.output()}) {
            if (v instanceof String s) return s;
            Object o = Values.field(v, "owner");
            if (o != null) return o.toString();
        }
        return c.process();
    }

    private static long useToken(Call u) {
        Object t = u.input() instanceof Number ? u.input() : Values.field(u.input(), "token");
        Long token = asLong(t);
        if (token == null) throw new IllegalArgumentException(u + ": use needs a token, as n or {\"token\": n}");
        return token;
    }

    private static Long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private static String describe(Hold h) {
        Op ok = h.acquire().completion();
        return h.owner() + " (granted at index " + ok.index() + (h.token() == null ? "" : ", token " + h.token()) + ")";
    }
}
