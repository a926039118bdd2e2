package dsys.kv.quorum;

import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers of one phase, one per replica: a duplicate (the network may deliver a message twice, and a
 * retransmitted request is answered again) never counts twice toward a quorum.
 */
final class Gather<R> {

    private final Map<NodeId, R> agreed = new LinkedHashMap<>();
    private final Map<NodeId, R> refused = new LinkedHashMap<>();

    /** Records the first answer of {@code from}; false when it had already answered this phase. */
    boolean add(NodeId from, R reply, boolean ok) {
        if (agreed.containsKey(from) || refused.containsKey(from)) return false;
        (ok ? agreed : refused).put(from, reply);
        return true;
    }

    Map<NodeId, R> agreed() {
        return agreed;
    }

    Map<NodeId, R> refused() {
        return refused;
    }

    /** The replicas in {@code all} that have not answered yet, to send the request to again. */
    List<NodeId> missing(List<NodeId> all) {
        List<NodeId> out = new ArrayList<>();
        for (NodeId n : all) if (!agreed.containsKey(n) && !refused.containsKey(n)) out.add(n);
        return out;
    }
}
