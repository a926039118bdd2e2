package dsys.lock.node;

import dsys.core.env.Rejection;

/** Input checks shared by the core and the REST adapter; every refusal says what would be right. */
public final class Validation {

    private Validation() {
    }

    public static Rejection name(String what, String value) {
        if (value == null || value.isBlank()) return Rejection.badRequest(what + " is required");
        if (value.length() > 200) return Rejection.badRequest(what + " is longer than 200 characters");
        if (value.chars().anyMatch(Character::isISOControl)) {
            return Rejection.badRequest(what + " must not contain control characters");
        }
        return null;
    }

    /** Names starting with this are the service's own routes ({@code /api/locks/_stats}), never a lock's. */
    public static final String RESERVED_PREFIX = "_";

    /** A lock name: every such name is reachable at {@code /api/locks/{name}}; "_…" is kept for fixed routes. */
    public static Rejection lockName(String value) {
        Rejection r = name("lock name", value);
        if (r == null && value.startsWith(RESERVED_PREFIX)) {
            r = Rejection.badRequest("lock names starting with '" + RESERVED_PREFIX + "' are reserved for the "
                    + "service's own routes (/api/locks/_stats, /api/locks/_status); got '" + value + "'");
        }
        return r;
    }

    public static Rejection acquire(LockRequests.Acquire a, LockConfig c) {
        Rejection r = lockName(a.name());
        if (r == null) r = name("owner", a.owner());
        if (r != null) return r;
        if (a.leaseMs() <= 0 || a.leaseMs() > c.maxLeaseMs()) {
            return Rejection.badRequest("leaseMs must be between 1 and " + c.maxLeaseMs() + " (got " + a.leaseMs()
                    + "); a longer lock is a renewed lease");
        }
        if (a.waitMs() < 0 || a.waitMs() > c.maxWaitMs()) {
            return Rejection.badRequest("waitMs must be between 0 and " + c.maxWaitMs() + " (got " + a.waitMs() + ")");
        }
        return null;
    }

    public static Rejection algorithm(String algorithm) {
        if (algorithm == null || !LockNodeCore.ALGORITHMS.contains(algorithm)) {
            return Rejection.badRequest("unknown algorithm '" + algorithm + "'; use one of " + LockNodeCore.ALGORITHMS);
        }
        return null;
    }
}
