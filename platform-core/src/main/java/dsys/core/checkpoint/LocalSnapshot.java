package dsys.core.checkpoint;

import dsys.core.checkpoint.ProcessState.Sent;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One process's part of a Chandy–Lamport snapshot: the state it recorded, and for each incoming channel the
 * transfers it recorded on it (received after recording its state and before that channel's marker) and how far
 * the channel was delivered once the marker was in ({@code closedAt}, where a restore leaves it).
 * One line: {@code snapshot#node#state#peer=closedAt:T/id/amount/interval,...;peer=...}.
 */
public record LocalSnapshot(String snapshot, String node, ProcessState state, SortedMap<String, List<Sent>> channels,
                            SortedMap<String, Long> closedAt) {

    public LocalSnapshot {
        TreeMap<String, List<Sent>> c = new TreeMap<>();
        channels.forEach((k, v) -> c.put(k, List.copyOf(v)));
        channels = Collections.unmodifiableSortedMap(c);
        closedAt = Collections.unmodifiableSortedMap(new TreeMap<>(closedAt));
    }

    String encode() {
        StringBuilder b = new StringBuilder(snapshot).append('#').append(node).append('#').append(state.encode()).append('#');
        String sep = "";
        for (var e : closedAt.entrySet()) {
            b.append(sep).append(e.getKey()).append('=').append(e.getValue()).append(':')
                    .append(String.join(",", channels.getOrDefault(e.getKey(), List.of()).stream().map(Sent::encode).toList()));
            sep = ";";
        }
        return b.toString();
    }

    static LocalSnapshot decode(String line) {
        String[] f = line.split("#", 4);
        TreeMap<String, List<Sent>> channels = new TreeMap<>();
        TreeMap<String, Long> closed = new TreeMap<>();
        if (!f[3].isEmpty()) {
            for (String ch : f[3].split(";")) {
                int eq = ch.indexOf('='), colon = ch.indexOf(':');
                String peer = ch.substring(0, eq), list = ch.substring(colon + 1);
                closed.put(peer, Long.parseLong(ch.substring(eq + 1, colon)));
                channels.put(peer, list.isEmpty() ? List.of() : Arrays.stream(list.split(",")).map(Sent::decode).toList());
            }
        }
        return new LocalSnapshot(f[0], f[1], ProcessState.decode(f[2]), channels, closed);
    }
}
