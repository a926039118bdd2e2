package dsys.lock.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Local FIFO queues of waiting clients, one per lock. */
public final class Waiters {

    private final Map<String, Deque<Waiter>> byLock = new TreeMap<>();

    public void add(Waiter w) {
        byLock.computeIfAbsent(w.name(), k -> new ArrayDeque<>()).addLast(w);
    }

    public Optional<Waiter> head(String lock) {
        Deque<Waiter> q = byLock.get(lock);
        return q == null ? Optional.empty() : Optional.ofNullable(q.peekFirst());
    }

    public boolean contains(Waiter w) {
        Deque<Waiter> q = byLock.get(w.name());
        return q != null && q.contains(w);
    }

    public boolean remove(Waiter w) {
        Deque<Waiter> q = byLock.get(w.name());
        if (q == null || !q.remove(w)) return false;
        if (q.isEmpty()) byLock.remove(w.name());
        return true;
    }

    public boolean waiting(String lock) {
        return byLock.containsKey(lock);
    }

    public List<Waiter> of(String lock) {
        Deque<Waiter> q = byLock.get(lock);
        return q == null ? List.of() : List.copyOf(q);
    }

    public Collection<String> locks() {
        return List.copyOf(byLock.keySet());
    }

    public List<Waiter> all() {
        List<Waiter> out = new ArrayList<>();
        byLock.values().forEach(out::addAll);
        return out;
    }

}
