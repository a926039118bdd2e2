package dsys.verifier.lock;

import dsys.verifier.CheckResult;
import dsys.verifier.Violations;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Op;
import dsys.verifier.history.Values;
import dsys.verifier.lock.Holds.Grant;
import dsys.verifier.lock.Holds.Stretch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lock safety over a history whose key is the lock name, judged from the clients' side:
 * <ul>
 * <li>no two owners certainly hold the lock at once. A hold is certain from its acquire's ok until the owner's
 * next release is invoked, or its lease certainly ran out: L/(1+ρ) after the acquire (or an ok renewal) was
 * invoked, ρ being the bound on clock rates the service assumes (see {@link Holds});</li>
 * <li>fencing tokens strictly increase in grant order: a grant that began after another
 * grant completed has a larger token, and no token is granted twice;</li>
 * <li>the fenced resource never accepted a stale token: an accepted {@code use} never carries
 * a smaller token than one accepted before it began.</li>
 * </ul>
 * Shapes: acquire ok value = owner, or {"owner", "token", "leaseMs"?}; release and renew value = owner
 * or {"owner", "token"?} (a token names the grant); use value = token or {"token"}, ok = accepted. Without an
 * owner in the value the process is the owner. Lease cut-offs compare {@code time} across processes, so
 * they need one clock for the whole history (one {@code HistoryRecorder}, or the simulator's true time).
 */
public final class LockChecker {
    private final long defaultLeaseNanos;
    private final double rho;

    /** Holds last until released (no leases). */
    public LockChecker() {
        this(Long.MAX_VALUE);
    }

    /** Holds last until released or {@code leaseNanos} after the acquire was invoked, unless a grant says leaseMs. */
    public LockChecker(long leaseNanos) {
        this(leaseNanos, 0);
    }

    /** As above, with leases as a client may count on them when clocks run up to a factor (1 ± {@code rho}) off. */
    public LockChecker(long leaseNanos, double rho) {
        if (!(rho >= 0 && rho < 1)) throw new IllegalArgumentException("rho must be in [0, 1), was " + rho);
        this.defaultLeaseNanos = leaseNanos;
        this.rho = rho;
    }

    public CheckResult check(History h) {
        Violations v = new Violations();
        Holds holds = new Holds(h, defaultLeaseNanos, rho);
        h.callsByKey().forEach((lock, calls) -> {
            List<Grant> grants = holds.grants(calls);
            exclusion(h, lock, grants, v);
            tokens(lock, grants, v);
            fencedResource(lock, calls, v);
        });
        return v.result();
    }

    private static void exclusion(History h, String lock, List<Grant> grants, Violations v) {
        for (int i = 0; i < grants.size(); i++) {
            for (int j = i + 1; j < grants.size(); j++) {
                Grant a = grants.get(i), b = grants.get(j);
                if (a.owner().equals(b.owner())) continue;
                overlap(a, b).ifPresent(o -> {
                    Grant later = a.acquire().completionPos() > b.acquire().completionPos() ? a : b;
                    Grant first = later == a ? b : a;
                    v.add("lock " + lock + ": " + describe(first) + " and " + describe(later) + " both held it from index "
                            + h.ops().get(o.start()).index() + " until "
                            + (o.end() == h.size() ? "the end of the history" : "index " + h.ops().get(o.end()).index()));
                });
            }
        }
    }

    /** The first stretch of time both grants were certainly held in, if any. */
    private static Optional<Stretch> overlap(Grant a, Grant b) {
        Stretch first = null;
        for (Stretch x : a.stretches()) {
            for (Stretch y : b.stretches()) {
                int start = Math.max(x.start(), y.start()), end = Math.min(x.end(), y.end());
                if (start < end && (first == null || start < first.start())) first = new Stretch(start, end);
            }
        }
        return Optional.ofNullable(first);
    }

    private static void tokens(String lock, List<Grant> grants, Violations v) {
        Map<Long, Grant> granted = new HashMap<>();
        for (Grant a : grants) {
            if (a.token() == null) continue;
            Grant twice = granted.putIfAbsent(a.token(), a);
            if (twice != null) v.add("lock " + lock + ": token " + a.token() + " granted twice, " + describe(twice) + " and " + describe(a));
            for (Grant b : grants) {
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

    private static long useToken(Call u) {
        Object t = u.input() instanceof Number ? u.input() : Values.field(u.input(), "token");
        Long token = Holds.asLong(t);
        if (token == null) throw new IllegalArgumentException(u + ": use needs a token, as n or {\"token\": n}");
        return token;
    }

    private static String describe(Grant g) {
        Op ok = g.acquire().completion();
        return g.owner() + " (granted at index " + ok.index() + (g.token() == null ? "" : ", token " + g.token()) + ")";
    }
}
