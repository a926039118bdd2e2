package dsys.core.checkpoint;

import dsys.core.checkpoint.ProcessState.Sent;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A distributed snapshot, as its initiator assembles it from the local snapshots: every process's recorded state,
 * and every channel's state ({@code channels}, keyed {@code "from->to"}): the messages in transit across the cut.
 */
public record GlobalSnapshot(String snapshot, String initiator, SortedMap<String, ProcessState> states,
                             SortedMap<String, List<Sent>> channels) {

    public GlobalSnapshot {
        states = Collections.unmodifiableSortedMap(new TreeMap<>(states));
        TreeMap<String, List<Sent>> c = new TreeMap<>();
        channels.forEach((k, v) -> c.put(k, List.copyOf(v)));
        channels = Collections.unmodifiableSortedMap(c);
    }

    /** The recorded state of the channel from {@code from} to {@code to}. */
    public List<Sent> channel(String from, String to) {
        return channels.getOrDefault(from + "->" + to, List.of());
    }

    static GlobalSnapshot assemble(String snapshot, String initiator, Iterable<LocalSnapshot> parts) {
        TreeMap<String, ProcessState> states = new TreeMap<>();
        TreeMap<String, List<Sent>> channels = new TreeMap<>();
        for (LocalSnapshot p : parts) {
            states.put(p.node(), p.state());
            p.channels().forEach((from, list) -> channels.put(from + "->" + p.node(), list));
        }
        return new GlobalSnapshot(snapshot, initiator, states, channels);
    }
}
