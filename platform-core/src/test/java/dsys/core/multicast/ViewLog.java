package dsys.core.multicast;

import dsys.core.multicast.AtomicMulticast.AtomicDelivery;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The oracle of atomic multicast, outside the cores: for every member, the views it installed and what it delivered
 * in each. Judged at the end of a run ({@link #check}): virtual synchrony, one order per view, FIFO per origin.
 */
final class ViewLog {

    /** Per member: the views it installed, in order, each with what it delivered while in it. */
    final Map<NodeId, LinkedHashMap<ViewId, List<String>>> byMember = new TreeMap<>();
    final Map<ViewId, View> views = new TreeMap<>();

    void installed(NodeId member, View v) {
        views.put(v.id(), v);
        LinkedHashMap<ViewId, List<String>> mine = byMember.computeIfAbsent(member, m -> new LinkedHashMap<>());
        if (mine.containsKey(v.id())) throw new AssertionError(member + " installed " + v.id() + " twice");
        mine.put(v.id(), new ArrayList<>());
    }

    void delivered(NodeId member, AtomicDelivery d) {
        LinkedHashMap<ViewId, List<String>> mine = byMember.get(member);
        ViewId current = mine == null ? null : List.copyOf(mine.keySet()).get(mine.size() - 1);
        if (!Objects.equals(current, d.view())) {
            throw new AssertionError(member + " delivered " + d + " while in view " + current);
        }
        mine.get(current).add(d.origin() + "#" + d.seq() + "=" + d.payload());
    }

    /** The members that installed {@code v} and then a later view: v's survivors. */
    List<NodeId> survivors(ViewId v) {
        List<NodeId> out = new ArrayList<>();
        byMember.forEach((m, views) -> {
            List<ViewId> ids = List.copyOf(views.keySet());
            int i = ids.indexOf(v);
            if (i >= 0 && i < ids.size() - 1) out.add(m);
        });
        return out;
    }

    /**
     * Virtual synchrony: a message any member delivered in view v (a member that crashed later included) is delivered
     * in v by every member that survived v, and all survivors deliver exactly the same messages of v in the same
     * order; a member that crashed in v delivered a prefix of that order. Survivors of v install the same next view.
     * FIFO: each member delivers each origin's messages as #1, #2, … with nothing missing or repeated.
     */
    void check() {
        for (ViewId v : views.keySet()) {
            List<NodeId> survivors = survivors(v);
            if (survivors.isEmpty()) continue;
            List<String> order = byMember.get(survivors.get(0)).get(v);
            ViewId next = nextView(survivors.get(0), v);
            for (NodeId s : survivors) {
                if (!byMember.get(s).get(v).equals(order)) {
                    throw new AssertionError("in view " + v + " " + s + " delivered " + byMember.get(s).get(v) + " but "
                            + survivors.get(0) + " delivered " + order);
                }
                if (!nextView(s, v).equals(next)) {
                    throw new AssertionError("after " + v + " " + s + " installed " + nextView(s, v) + ", " + survivors.get(0) + " " + next);
                }
            }
            byMember.forEach((m, views) -> {
                List<String> mine = views.get(v);
                if (mine != null && !order.subList(0, Math.min(order.size(), mine.size())).equals(mine)) {
                    throw new AssertionError(m + " delivered " + mine + " in view " + v + ", which is not a prefix of what "
                            + "its survivors delivered: " + order);
                }
            });
        }
        byMember.forEach((m, views) -> {
            Map<String, Long> last = new TreeMap<>();
            for (List<String> ds : views.values()) {
                for (String d : ds) {
                    String origin = d.substring(0, d.indexOf('#'));
                    long seq = Long.parseLong(d.substring(d.indexOf('#') + 1, d.indexOf('=')));
                    long expected = last.getOrDefault(origin, 0L) + 1;
                    if (seq != expected) throw new AssertionError(m + " delivered " + d + ", expected #" + expected);
                    last.put(origin, seq);
                }
            }
        });
    }

    private ViewId nextView(NodeId m, ViewId v) {
        List<ViewId> ids = List.copyOf(byMember.get(m).keySet());
        return ids.get(ids.indexOf(v) + 1);
    }

    /** Deliveries of {@code member}, in all its views, in order. */
    List<String> all(NodeId member) {
        List<String> out = new ArrayList<>();
        byMember.getOrDefault(member, new LinkedHashMap<>()).values().forEach(out::addAll);
        return out;
    }
}
