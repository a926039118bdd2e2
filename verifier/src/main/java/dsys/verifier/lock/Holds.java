package dsys.verifier.lock;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Values;

import java.util.ArrayList;
import java.util.List;

/**
 * When a client may be sure it holds a lock, from its own calls only (never the service's word on remaining
 * leases). A grant with lease L is certain from its acquire's ok until the earlier of the owner's next release
 * invoke and the acquire's invoke + L/(1+ρ); each ok renewal of it adds a stretch from the renewal's ok to the
 * same release, or its invoke + L/(1+ρ). The service counts a lease on its node's clock from a moment no earlier
 * than the client's request, and that clock runs at most (1+ρ) fast: the client may rely on no more.
 */
final class Holds {

    /** History positions [start, end): from an ok to the first op past the certain end. */
    record Stretch(int start, int end) {
    }

    record Grant(Call acquire, String owner, Long token, List<Stretch> stretches) {
    }

    private final History h;
    private final long defaultLeaseNanos;
    private final double rho;

    Holds(History h, long defaultLeaseNanos, double rho) {
        this.h = h;
        this.defaultLeaseNanos = defaultLeaseNanos;
        this.rho = rho;
    }

    List<Grant> grants(List<Call> calls) {
        List<Grant> grants = new ArrayList<>();
        for (Call a : calls) {
            if (!a.f().equals("acquire") || !a.isOk()) continue;
            String owner = owner(a);
            Long token = asLong(Values.field(a.output(), "token"));
            long lease = lease(a);
            int released = released(calls, a, owner, token);
            List<Stretch> stretches = new ArrayList<>();
            stretch(a, lease, released, stretches);
            for (Call r : calls) {
                if (r.f().equals("renew") && r.isOk() && r.invokePos() > a.completionPos() && r.invokePos() < released
                        && owner.equals(owner(r)) && sameToken(r, token)) {
                    stretch(r, lease, released, stretches);
                }
            }
            grants.add(new Grant(a, owner, token, stretches));
        }
        return grants;
    }

    /** The invoke of the owner's first release of this grant after it was granted, or the end of the history. */
    private int released(List<Call> calls, Call a, String owner, Long token) {
        for (Call r : calls) {
            if (r.f().equals("release") && r.invokePos() > a.completionPos() && owner.equals(owner(r))
                    && sameToken(r, token)) {
                return r.invokePos();
            }
        }
        return h.size();
    }

    /** From {@code c}'s ok (a grant or renewal) until released or the lease may have ended; none if the ok came later. */
    private void stretch(Call c, long leaseNanos, int released, List<Stretch> out) {
        int end = Math.min(released, certainUntil(c, leaseNanos));
        if (c.completionPos() < end) out.add(new Stretch(c.completionPos(), end));
    }

    /** The first position from {@code c}'s completion on at or past c's invoke + lease/(1+ρ), when the lease may end. */
    private int certainUntil(Call c, long leaseNanos) {
        if (leaseNanos == Long.MAX_VALUE) return h.size();
        long until = c.invoke().time() + (long) Math.floor(leaseNanos / (1 + rho));
        for (int pos = c.completionPos(); pos < h.size(); pos++) {
            if (h.ops().get(pos).time() >= until) return pos;
        }
        return h.size();
    }

    private long lease(Call a) {
        Object ms = Values.field(a.output(), "leaseMs");
        if (ms == null) ms = Values.field(a.input(), "leaseMs");
        return ms instanceof Number n ? n.longValue() * 1_000_000 : defaultLeaseNanos;
    }

    /** A release or renewal that names a token is about that grant only. */
    private static boolean sameToken(Call c, Long token) {
        Long named = asLong(Values.field(c.input(), "token"));
        return named == null || token == null || named.equals(token);
    }

    static String owner(Call c) {
        for (Object v : new Object[]{c.input(), c.output()}) {
            if (v instanceof String s) return s;
            Object o = Values.field(v, "owner");
            if (o != null) return o.toString();
        }
        return c.process();
    }

    static Long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }
}
