package dsys.verifier.linear;

import dsys.verifier.history.Call;
import dsys.verifier.history.Values;

import java.util.List;

/**
 * A lock. f = acquire | release; the owner is the value (a string, or a map with "owner"),
 * else the process. With fencing, an ok acquire returns {"owner", "token"} and tokens must
 * strictly increase in grant order; a release may carry the token it releases.
 * Leases are not modelled: a lease that expires without a release makes the history invalid
 * here; use {@link dsys.verifier.lock.LockChecker} for leased locks.
 */
public final class MutexModel implements Model {
    enum Free { FREE; @Override public String toString() { return "free"; } }

    /**
     * Fenced state: holder (null = free) and the highest token granted so far; after a grant
     * with unknown outcome only a lower bound of it ({@code exact} false).
     */
    record Fenced(String holder, long lastToken, boolean exact) {
        @Override
        public String toString() {
            return (holder == null ? "free" : "held by " + holder) + ", last token " + (exact ? "" : ">= ") + lastToken;
        }
    }

    private final boolean fenced;

    private MutexModel(boolean fenced) {
        this.fenced = fenced;
    }

    public static MutexModel mutex() {
        return new MutexModel(false);
    }

    public static MutexModel fencedMutex() {
        return new MutexModel(true);
    }

    @Override
    public String name() {
        return fenced ? "fenced-mutex" : "mutex";
    }

    @Override
    public Object init() {
        return fenced ? new Fenced(null, Long.MIN_VALUE, true) : Free.FREE;
    }

    /** An unknown acquire whose owner never releases can only have blocked everyone after it. */
    @Override
    public boolean omittable(Call unknown, List<Call> keyCalls) {
        if (!unknown.f().equals("acquire")) return false;
        String owner = owner(unknown);
        return keyCalls.stream().noneMatch(c -> c.f().equals("release") && owner.equals(owner(c)));
    }

    @Override
    public Transition prepare(Call call) {
        String owner = owner(call);
        boolean acquire = switch (call.f()) {
            case "acquire" -> true;
            case "release" -> false;
            default -> throw new ModelException(call, false, "f", name() + " expects acquire or release, got \"" + call.f() + "\"");
        };
        if (!fenced) {
            return acquire ? s -> s == Free.FREE ? owner : null : s -> owner.equals(s) ? Free.FREE : null;
        }
        if (acquire) {
            if (call.isUnknown()) {
                // The token is unknown but exceeds every earlier one: at least lastToken + 1.
                return s -> s instanceof Fenced f && f.holder() == null ? new Fenced(owner, f.lastToken() + 1, false) : null;
            }
            long token = token(call, true);
            return s -> s instanceof Fenced f && f.holder() == null && token > f.lastToken() ? new Fenced(owner, token, true) : null;
        }
        Long token = Values.field(call.input(), "token") == null ? null : token(call, false);
        return s -> {
            if (!(s instanceof Fenced f) || !owner.equals(f.holder())) return null;
            if (token == null) return new Fenced(null, f.lastToken(), f.exact());
            boolean matches = f.exact() ? token == f.lastToken() : token >= f.lastToken();
            return matches ? new Fenced(null, token, true) : null;
        };
    }

    private static String owner(Call call) {
        for (Object v : new Object[]{call.input(), call.output()}) {
            if (v instanceof String s) return s;
            if (v instanceof Number n) return n.toString();
            Object o = Values.field(v, "owner");
            if (o != null) return o.toString();
        }
        return call.process();
    }

    private static long token(Call call, boolean inCompletion) {
        Object t = Values.field(inCompletion ? call.output() : call.input(), "token");
        if (t instanceof Long l) return l;
        throw new ModelException(call, inCompletion, "value",
                "fenced-mutex " + call.f() + " expects {\"owner\": ..., \"token\": <integer>}, got "
                        + Values.toJson(inCompletion ? call.output() : call.input()));
    }
}
