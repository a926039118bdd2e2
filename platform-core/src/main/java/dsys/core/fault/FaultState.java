package dsys.core.fault;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The faults in force as one node sees them: partitions, per-link faults, crash points. Both ends of a link
 * consult it (sender before sending, receiver on arrival), so a partition holds even if only one side knows it.
 * Thread-safe: HTTP threads and the nodes' serial sections read it; admin calls change it.
 */
public final class FaultState {

    private List<Set<String>> partitions = List.of();
    private final List<LinkFault> links = new ArrayList<>();
    private final Set<String> crashPoints = new HashSet<>();

    /** Nodes in different groups cannot talk; a node named in no group can talk only to other unnamed nodes. */
    public synchronized void partition(Collection<? extends Collection<String>> groups) {
        Set<String> seen = new HashSet<>();
        List<Set<String>> copy = new ArrayList<>();
        for (Collection<String> g : groups) {
            if (g.isEmpty()) throw new IllegalArgumentException("a partition group must not be empty");
            for (String n : g) {
                if (!seen.add(n)) throw new IllegalArgumentException("node " + n + " appears in two partition groups");
            }
            copy.add(Set.copyOf(g));
        }
        partitions = List.copyOf(copy);
    }

    public synchronized void addLink(LinkFault fault) {
        links.removeIf(l -> l.from().equals(fault.from()) && l.to().equals(fault.to()));
        links.add(fault);
    }

    public synchronized void armCrashPoint(String point) {
        crashPoints.add(point);
    }

    /** True once per arming: the crash happens, then the point is disarmed. */
    public synchronized boolean fireCrashPoint(String point) {
        return crashPoints.remove(point);
    }

    public synchronized void heal() {
        partitions = List.of();
        links.clear();
        crashPoints.clear();
    }

    public synchronized boolean partitioned(String a, String b) {
        if (partitions.isEmpty()) return false;
        return groupOf(a) != groupOf(b);
    }

    private int groupOf(String node) {
        for (int i = 0; i < partitions.size(); i++) {
            if (partitions.get(i).contains(node)) return i;
        }
        return -1;
    }

    /** The fate of one message from → to. */
    public synchronized Delivery decide(String from, String to, RandomGenerator random) {
        if (partitioned(from, to)) return Delivery.dropped("partition");
        for (LinkFault l : links) {
            if (!l.matches(from, to)) continue;
            if (random.nextDouble() < l.dropRate()) return Delivery.dropped("link-drop");
            long delay = l.delayMs() + (l.jitterMs() > 0 ? random.nextLong(l.jitterMs() + 1) : 0);
            int copies = random.nextDouble() < l.duplicateRate() ? 2 : 1;
            return new Delivery(copies, delay, copies > 1 ? "link-duplicate" : "");
        }
        return Delivery.NORMAL;
    }

    public synchronized Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partitions", partitions.stream().map(s -> s.stream().sorted().toList()).toList());
        m.put("links", List.copyOf(links));
        m.put("crashPoints", crashPoints.stream().sorted().toList());
        return m;
    }

    public synchronized boolean isEmpty() {
        return partitions.isEmpty() && links.isEmpty() && crashPoints.isEmpty();
    }

}
