package dsys.time.logical;

import dsys.core.clock.LamportStamp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The last events a node emitted, and the Lamport total order of several nodes' events (notes §5.2). */
public final class EventLog {

    private final int capacity;
    private final ArrayDeque<LoggedEvent> events = new ArrayDeque<>();

    public EventLog(int capacity) {
        this.capacity = capacity;
    }

    public void add(LoggedEvent e) {
        if (events.size() == capacity) events.removeFirst();
        events.addLast(e);
    }

    public List<LoggedEvent> recent(int limit) {
        List<LoggedEvent> all = new ArrayList<>(events);
        return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    /** Lamport time first, ties broken by node id: a total order consistent with happened-before. */
    public static List<LoggedEvent> totalOrder(Collection<? extends Collection<LoggedEvent>> perNode) {
        List<LoggedEvent> all = new ArrayList<>();
        perNode.forEach(all::addAll);
        all.sort(Comparator.comparing(LoggedEvent::stamp, LamportStamp::compareTo));
        return all;
    }
}
