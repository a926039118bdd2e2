package dsys.lock.lease;

/**
 * A lock held by a client through this node (the node that acts for the client keeps it, durably).
 * Times are this node's {@code Env.nanoTime()}: leases are measured on the monotonic host clock, never on the
 * skewable physical clock.
 *
 * @param leaseMs       the lease each grant or renewal runs for
 * @param grantedNanos  when the client got the lock (for hold-time metrics)
 * @param expiresNanos  lease end; counted from before the grant was decided, so it never outlives the grantor's
 * @param restored      reloaded after a crash: its true expiry is unknown, so it blocks the lock for a full lease
 *                      but cannot be renewed
 */
public record Hold(String name, String owner, long token, long leaseMs, long epoch, String algorithm,
                   long grantedNanos, long expiresNanos, boolean restored) {

    public Hold withExpiry(long expiresNanos) {
        return new Hold(name, owner, token, leaseMs, epoch, algorithm, grantedNanos, expiresNanos, restored);
    }

    public long remainingMs(long nowNanos) {
        return Math.max(0, (expiresNanos - nowNanos + 999_999) / 1_000_000);
    }
}
