package dsys.core.multicast;

import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The oracle of the reliable schemes, outside the cores (it survives their crashes): every delivery at every member,
 * checked as it happens. A member must deliver each origin's messages once each, in the origin's order (1, 2, 3 …),
 * with the payload the origin multicast under that number.
 */
final class DeliveryLog {

    private final Map<NodeId, Map<NodeId, Long>> last = new TreeMap<>();
    private final Map<String, String> payloads = new HashMap<>();
    final Map<NodeId, List<Delivery>> byMember = new TreeMap<>();
    private long total;

    void delivered(NodeId member, Delivery d) {
        long expected = last.computeIfAbsent(member, m -> new TreeMap<>()).getOrDefault(d.origin(), 0L) + 1;
        if (d.seq() != expected) {
            throw new AssertionError(member + " delivered " + d.origin() + "#" + d.seq() + " but expected #" + expected
                    + (d.seq() < expected ? " (a repeat)" : " (out of origin order, or one skipped)"));
        }
        String before = payloads.putIfAbsent(d.origin() + "#" + d.seq(), d.payload());
        if (before != null && !before.equals(d.payload())) {
            throw new AssertionError(member + " delivered " + d.origin() + "#" + d.seq() + " as '" + d.payload()
                    + "', another member as '" + before + "'");
        }
        last.get(member).put(d.origin(), d.seq());
        byMember.computeIfAbsent(member, m -> new ArrayList<>()).add(d);
        total++;
    }

    /** Deliveries so far, at all members together. */
    long total() {
        return total;
    }

    /** How many messages of {@code origin} {@code member} has delivered. */
    long count(NodeId member, NodeId origin) {
        return last.getOrDefault(member, Map.of()).getOrDefault(origin, 0L);
    }

    /** The payload delivered as {@code origin}'s message {@code seq} (null: nobody delivered it). */
    String payload(NodeId origin, long seq) {
        return payloads.get(origin + "#" + seq);
    }
}
