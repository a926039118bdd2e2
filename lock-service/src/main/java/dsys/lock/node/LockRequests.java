package dsys.lock.node;

/** What clients (through the REST adapter) ask a lock node. */
public final class LockRequests {

    private LockRequests() {
    }

    public record Acquire(String name, String owner, long leaseMs, long waitMs) {
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
