package dsys.core.checkpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A bank process's state as a checkpoint or a snapshot records it: its balance and, per peer, both channel ends.
 * {@code sent}: every message it sent there, in order (its position is its sequence number); this is also the
 * sender-based message log replayed after a rollback to the messages that were in transit across the cut.
 * {@code delivered}: how many messages from that peer it has delivered; {@code received}: the ids of the transfers
 * among them. Sent and received ids are the message-dependency record a consistent cut is judged by: a cut is
 * consistent when every transfer a process records as received is recorded as sent by its sender.
 */
public record ProcessState(long balance, SortedMap<String, List<Sent>> sent, SortedMap<String, Long> delivered,
                           SortedMap<String, List<String>> received) {

    /** One message sent on a channel: a transfer (id, amount, the sender's checkpoint interval) or a marker (snapshot id). */
    public record Sent(boolean marker, String id, long amount, int interval) {

        static Sent transfer(String id, long amount, int interval) {
            return new Sent(false, id, amount, interval);
        }

        static Sent marker(String snapshot) {
            return new Sent(true, snapshot, 0, 0);
        }

        String encode() {
            return marker ? "M/" + id : "T/" + id + "/" + amount + "/" + interval;
        }

        static Sent decode(String s) {
            String[] f = s.split("/", -1);
            return f[0].equals("M") ? marker(f[1]) : transfer(f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]));
        }
    }

    public ProcessState {
        sent = frozenLists(sent);
        delivered = Collections.unmodifiableSortedMap(new TreeMap<>(delivered));
        received = frozenLists(received);
    }

    /** The ids of the transfers sent to {@code peer}, in order. */
    public List<String> transfersSentTo(String peer) {
        return sent.getOrDefault(peer, List.of()).stream().filter(s -> !s.marker()).map(Sent::id).toList();
    }

    public List<String> transfersReceivedFrom(String peer) {
        return received.getOrDefault(peer, List.of());
    }

    /**
     * One line: {@code balance|Speer=T/id/amount/interval,M/snapshot|Rpeer=delivered/id,id}. Ids and node names
     * hold none of {@code | = , /} (requests with such ids are refused).
     */
    public String encode() {
        StringBuilder b = new StringBuilder().append(balance);
        sent.forEach((peer, list) -> b.append("|S").append(peer).append('=').append(String.join(",", list.stream().map(Sent::encode).toList())));
        delivered.forEach((peer, n) -> b.append("|R").append(peer).append('=').append(n).append('/')
                .append(String.join(",", received.getOrDefault(peer, List.of()))));
        return b.toString();
    }

    public static ProcessState decode(String line) {
        String[] parts = line.split("\\|", -1);
        TreeMap<String, List<Sent>> sent = new TreeMap<>();
        TreeMap<String, Long> delivered = new TreeMap<>();
        TreeMap<String, List<String>> received = new TreeMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int eq = p.indexOf('=');
            String peer = p.substring(1, eq), rest = p.substring(eq + 1);
            if (p.charAt(0) == 'S') {
                sent.put(peer, rest.isEmpty() ? List.of() : java.util.Arrays.stream(rest.split(",")).map(Sent::decode).toList());
            } else {
                int slash = rest.indexOf('/');
                delivered.put(peer, Long.parseLong(rest.substring(0, slash)));
                String ids = rest.substring(slash + 1);
                received.put(peer, ids.isEmpty() ? List.of() : List.of(ids.split(",")));
            }
        }
        return new ProcessState(Long.parseLong(parts[0]), sent, delivered, received);
    }

    private static <T> SortedMap<String, List<T>> frozenLists(Map<String, List<T>> m) {
        TreeMap<String, List<T>> copy = new TreeMap<>();
        m.forEach((k, v) -> copy.put(k, List.copyOf(new ArrayList<>(v))));
        return Collections.unmodifiableSortedMap(copy);
    }
}
