package dsys.kv.quorum;

import java.util.Map;
import java.util.TreeMap;

/**
 * This node's counters for the stats endpoint: messages it sent by type, and per kind of operation it
 * coordinated how many there were and the messages they cost (requests sent plus answers received, as the
 * coordinator saw them), beside anti-entropy rounds and bytes and any other named count. Public so that the other
 * replication modes' cores ({@code dsys.kv.chain}) keep the same counters.
 */
public final class QuorumStats {

    /** Operations of one kind and their messages in total; {@link #perOperation()} is the mean. */
    public record Cost(long operations, long messages) {
        public double perOperation() {
            return operations == 0 ? 0 : (double) messages / operations;
        }
    }

    /** A copy of the counters. */
    public record View(Map<String, Long> sent, Map<String, Cost> operations, Map<String, Long> counts) {
    }

    private final Map<String, Long> sent = new TreeMap<>();
    private final Map<String, Cost> operations = new TreeMap<>();
    private final Map<String, Long> counts = new TreeMap<>();

    public void sent(String type) {
        sent.merge(type, 1L, Long::sum);
    }

    public void operation(String label, Map<String, Integer> messages) {
        long m = messages.values().stream().mapToLong(Integer::longValue).sum();
        operations.merge(label, new Cost(1, m), (a, b) -> new Cost(a.operations + b.operations, a.messages + b.messages));
    }

    public void count(String name) {
        add(name, 1);
    }

    public void add(String name, long n) {
        counts.merge(name, n, Long::sum);
    }

    /** A level rather than a tally (the last value wins). */
    public void set(String name, long value) {
        counts.put(name, value);
    }

    public View view() {
        return new View(Map.copyOf(sent), Map.copyOf(operations), Map.copyOf(counts));
    }
}
