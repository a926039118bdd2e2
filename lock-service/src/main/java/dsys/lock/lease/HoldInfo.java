package dsys.lock.lease;

/** A hold as reported between nodes (takeover promises, epoch commits, inspection): times are relative. */
public record HoldInfo(String name, String owner, long token, long leaseMs, long remainingMs) {

    public static HoldInfo of(Hold h, long nowNanos) {
        return new HoldInfo(h.name(), h.owner(), h.token(), h.leaseMs(), h.remainingMs(nowNanos));
    }

    public int node() {
        return Fencing.node(token);
    }
}
