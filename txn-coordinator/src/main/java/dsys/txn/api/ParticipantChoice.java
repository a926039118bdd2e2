package dsys.txn.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;

/**
 * Which participant (kv node) an operation goes to: the CRC-32 (IEEE, {@link CRC32}) of the UTF-8 bytes of
 * {@code keyspace + "/" + key}, modulo the number of participants, indexes {@code dsys.txn.participants} in its
 * configured order. CRC-32 is fixed by its standard (unlike a hash of the JVM's choosing), so every coordinator
 * and every restart picks the same node for a key. Changing the list (its order or size) moves keys; what the old
 * node stored stays there.
 *
 * <p>A participant that let a transaction's vote time out is suspected for {@link #SUSPICION} (and again at its next
 * silence): meanwhile its keys go to the next node of the list that is not suspected. Any kv node can act for any
 * key, since a key's lock and intent live in its quorum-replicated register, not on the participant; so with one kv
 * node killed, transactions on its keys wait out one vote timeout, not the node's whole absence. What the silent node
 * had locked stays locked until it is back and learns the outcome.
 */
public final class ParticipantChoice {

    /**
     * How long a silent participant is passed over: nothing is lost by it (any node serves its keys), while each
     * transaction sent to a dead one holds its other keys for a whole vote timeout.
     */
    static final Duration SUSPICION = Duration.ofSeconds(30);

    private final List<String> nodes;
    private final Map<String, Long> suspectedUntil = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    public ParticipantChoice(List<String> nodes) {
        this(nodes, System::nanoTime);
    }

    ParticipantChoice(List<String> nodes, LongSupplier nanos) {
        this.nanos = nanos;
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

    /** The participant for {@code key} of {@code keyspace}: its own node, or the next one not suspected. */
    public String of(String keyspace, String key) {
        int home = index(keyspace, key);
        long now = nanos.getAsLong();
        for (int i = 0; i < nodes.size(); i++) {
            String n = nodes.get((home + i) % nodes.size());
            Long until = suspectedUntil.get(n);
            if (until == null || now - until >= 0) return n;
        }
        // every one suspected: the one whose suspicion ends first (a dead node is suspected again at each silence,
        // a live one slowed by lock waits is not, so its suspicion is the older)
        String soonest = nodes.get(home);
        for (int i = 0; i < nodes.size(); i++) {
            String n = nodes.get((home + i) % nodes.size());
            if (suspectedUntil.get(n) - suspectedUntil.get(soonest) < 0) soonest = n;
        }
        return soonest;
    }

    /** The key's own node, whatever is suspected. */
    public String home(String keyspace, String key) {
        return nodes.get(index(keyspace, key));
    }

    private int index(String keyspace, String key) {
        CRC32 crc = new CRC32();
        crc.update((keyspace + "/" + key).getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % nodes.size());
    }

    /** Participants that did not vote in time: passed over for {@link #SUSPICION}. */
    public void silent(List<String> participants) {
        long until = nanos.getAsLong() + SUSPICION.toNanos();
        for (String p : participants) if (nodes.contains(p)) suspectedUntil.put(p, until);
    }

    public List<String> nodes() {
        return nodes;
    }
}
