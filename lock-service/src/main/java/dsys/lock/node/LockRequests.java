package dsys.lock.node;

/** What clients (through the REST adapter) ask a lock node. */
public final class LockRequests {

    private LockRequests() {
    }

    /** {@code waiter}: an id the client's side (the gateway) may withdraw this wait by; null when none. */
    public record Acquire(String name, String owner, long leaseMs, long waitMs, String waiter) {
        public Acquire(String name, String owner, long leaseMs, long waitMs) {
            this(name, owner, leaseMs, waitMs, null);
        }
    }

    /** The client of acquire {@code waiter} has gone: stop waiting for it, or release what it was just granted. */
    public record Withdraw(String name, String waiter) {
    }

    public record Renew(String name, String owner, long fencingToken) {
    }

    public record Release(String name, String owner, long fencingToken) {
    }

    public record Inspect(String name) {
    }

    public record SwitchAlgorithm(String algorithm) {
    }

    public record Stats() {
    }

    /** Before a graceful stop: the tallies are saved, marked complete. */
    public record SaveStats() {
    }

    public record FencedWrite(String name, long fencingToken, String value) {
    }

    public record FencedRead(String name) {
    }
}
