package dsys.lock.quorum;

import dsys.core.node.NodeId;
import dsys.lock.lease.HoldInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Durable encoding of epochs and commits (names and owners never contain control characters: the API refuses them). */
final class Codec {

    private static final String F = "\u001f";
    private static final String R = "\u001e";
    private static final String G = "\u001d";

    private Codec() {
    }

    static String commit(QuorumMessages.Commit c) {
        EpochInfo e = c.epoch();
        String members = String.join(",", e.members().stream().map(NodeId::value).toList());
        return String.join(G, Long.toString(e.number()), e.algorithm(), e.owner() == null ? "" : e.owner().value(),
                members, Long.toString(c.graceMs()), holds(c.holds()), holds(c.outside()));
    }

    private static String holds(List<HoldInfo> list) {
        List<String> holds = new ArrayList<>();
        for (HoldInfo h : list) {
            holds.add(String.join(F, h.name(), h.owner(), Long.toString(h.token()), Long.toString(h.leaseMs()),
                    Long.toString(h.remainingMs())));
        }
        return String.join(R, holds);
    }

    static QuorumMessages.Commit commit(String s) {
        String[] p = s.split(G, -1);
        List<NodeId> members = p[3].isEmpty() ? List.of() : Arrays.stream(p[3].split(",")).map(NodeId::of).toList();
        EpochInfo e = new EpochInfo(Long.parseLong(p[0]), p[1], p[2].isEmpty() ? null : NodeId.of(p[2]), members);
        // a stored commit's remaining times count again from the load: later, never earlier
        return new QuorumMessages.Commit(e, holds(p[5]), Long.parseLong(p[4]), p.length > 6 ? holds(p[6]) : List.of());
    }

    private static List<HoldInfo> holds(String s) {
        List<HoldInfo> holds = new ArrayList<>();
        if (!s.isEmpty()) {
            for (String h : s.split(R, -1)) {
                String[] f = h.split(F, -1);
                holds.add(new HoldInfo(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])));
            }
        }
        return holds;
    }
}
