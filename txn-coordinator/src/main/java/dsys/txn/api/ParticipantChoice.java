package dsys.txn.api;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Which participant (kv node) an operation goes to: the CRC-32 (IEEE, {@link CRC32}) of the UTF-8 bytes of
 * {@code keyspace + "/" + key}, modulo the number of participants, indexes {@code dsys.txn.participants} in its
 * configured order. CRC-32 is fixed by its standard (unlike a hash of the JVM's choosing), so every coordinator
 * and every restart picks the same node for a key. Changing the list (its order or size) moves keys; what the old
 * node stored stays there.
 */
public final class ParticipantChoice {

    private final List<String> nodes;

    public ParticipantChoice(List<String> nodes) {
        if (nodes == null || nodes.isEmpty()) throw new IllegalArgumentException("dsys.txn.participants names no node");
        for (String n : nodes) {
            // the core's log record separates participants with ',' and fields with '|'
            if (n == null || n.isBlank() || n.contains(",") || n.contains("|")) {
                throw new IllegalArgumentException("dsys.txn.participants: '" + n + "' is not a node id");
            }
        }
        if (new HashSet<>(nodes).size() != nodes.size()) {
            throw new IllegalArgumentException("dsys.txn.participants names a node twice: " + nodes);
        }
        this.nodes = List.copyOf(nodes);
    }

    /** The participant that holds {@code key} of {@code keyspace}. */
    public String of(String keyspace, String key) {
        CRC32 crc = new CRC32();
        crc.update((keyspace + "/" + key).getBytes(StandardCharsets.UTF_8));
        return nodes.get((int) (crc.getValue() % nodes.size()));
    }

    public List<String> nodes() {
        return nodes;
    }
}
