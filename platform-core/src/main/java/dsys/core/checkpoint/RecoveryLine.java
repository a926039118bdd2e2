package dsys.core.checkpoint;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The recovery line of independent checkpointing: the latest set of checkpoints, one per process, that is a
 * consistent global state. A checkpoint set is inconsistent when it has an <b>orphan message</b>: one whose
 * receipt the receiver's checkpoint records but whose sending the sender's checkpoint does not (sent after the
 * sender's checkpoint, received before the receiver's). The receiver must then roll back further, to its
 * checkpoint before that receipt; which may orphan messages it sent, rolling their receivers back in turn — rollback
 * propagation, and in the worst case the <b>domino effect</b>, all the way back to the initial state.
 * Pure: no state, no I/O.
 */
public final class RecoveryLine {

    private RecoveryLine() {
    }

    /**
     * Starts from each process's {@code latest} checkpoint and rolls receivers of orphan messages back until none
     * is left: the greatest consistent set below {@code latest} (consistent sets are closed under taking the later
     * checkpoint per process, so it is unique). Checkpoint 0 of every process is its initial state, which no
     * message can orphan, so the line always exists.
     */
    public static SortedMap<String, Integer> compute(Map<String, Integer> latest, Collection<Dependency> dependencies) {
        TreeMap<String, Integer> line = new TreeMap<>(latest);
        for (Dependency d : dependencies) {
            if (!line.containsKey(d.from()) || !line.containsKey(d.to())) {
                throw new IllegalArgumentException("dependency " + d + " names a process without checkpoints");
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Dependency d : dependencies) {
                if (isOrphan(d, line)) {
                    line.put(d.to(), d.receiveInterval()); // its checkpoint just before the receipt
                    changed = true;
                }
            }
        }
        return Collections.unmodifiableSortedMap(line);
    }

    /** Received before the receiver's checkpoint in {@code line}, sent after the sender's. */
    static boolean isOrphan(Dependency d, Map<String, Integer> line) {
        return d.receiveInterval() < line.get(d.to()) && d.sendInterval() >= line.get(d.from());
    }
}
