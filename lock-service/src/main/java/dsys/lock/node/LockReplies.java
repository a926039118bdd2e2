package dsys.lock.node;

import java.util.List;
import java.util.Map;

/** What a lock node answers. Times meant for people ({@code leaseExpiresAt}) are this node's clock in ms. */
public final class LockReplies {

    private LockReplies() {
    }

    /** Messages one operation cost, by type (to hold against the notes' table). */
    public record Messages(int count, Map<String, Integer> byType) {
        public static Messages of(Map<String, Integer> byType) {
            return new Messages(byType.values().stream().mapToInt(Integer::intValue).sum(), Map.copyOf(byType));
        }
    }

    public record Granted(String name, String owner, long fencingToken, long leaseExpiresAt, long leaseMs,
                          String algorithm, long epoch, String node, Messages messages, long waitedMs,
                          double delayMessages) {
    }

    public record Renewed(String name, String owner, long fencingToken, long leaseExpiresAt) {
    }

    public record Released(String name, String owner, long fencingToken, long heldMs, Messages messages) {
    }

    public record Waiting(String owner, String node) {
    }

    public record LockView(String name, String holder, Long fencingToken, Long leaseExpiresAt, String holderNode,
                           List<Waiting> queue, String algorithm, long epoch) {
    }

    public record AlgorithmSet(String algorithm, long epoch, String coordinator, List<String> members) {
    }

    /** {@code outcome}: "withdrawn" (it was waiting) or "released" (it had just been granted). */
    public record Withdrawn(String name, String waiter, String outcome) {
    }

    public record FencedResult(String name, boolean accepted, long fencingToken, long highestToken, String value) {
    }
}
