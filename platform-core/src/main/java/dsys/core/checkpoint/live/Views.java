package dsys.core.checkpoint.live;

import java.util.List;
import java.util.SortedMap;

/** What the initiator answers (the REST bodies), and the summaries nodes send it. */
public final class Views {

    private Views() {
    }

    /**
     * One node's local checkpoint: its name on that node ({@code local}: s&lt;n&gt; snapshot, c&lt;n&gt; coordinated,
     * i&lt;n&gt; independent), how many storage entries and bytes of the wrapped core it holds, and a digest of them
     * (FNV-1a 64 over the entries in key order) to compare a restored state with. {@code stored} false: its data is
     * gone (only its dependency record is left).
     */
    public record LocalSummary(String node, String local, long entries, long bytes, String digest, boolean stored) {
    }

    /**
     * The state of the channel {@code from -> to} in a snapshot: the messages in flight across the cut that the
     * receiver recorded, by type, and how many the sender sent before its cut that the receiver never counted
     * ({@code missing}: lost, still delayed at the deadline, or delivered before a restart of the receiver; -1: not
     * known, the sender's counts never came).
     */
    public record ChannelState(String from, String to, int recorded, SortedMap<String, Integer> types, long missing) {
    }

    /**
     * A consistent global state. {@code complete}: every node's part is in and (snapshots) every channel is known
     * to the last message. {@code restorable}: every node holds its part. Independent checkpoints: {@code line} is
     * the recovery line (checkpoint number per node), {@code latest} each node's latest checkpoint.
     * {@code messages}: the control messages this run cost, by type.
     */
    public record GlobalCheckpoint(String id, String algorithm, long epoch, long takenAtMs, boolean complete,
                                   boolean restorable, List<LocalSummary> nodes, List<ChannelState> channels,
                                   SortedMap<String, Integer> line, SortedMap<String, Integer> latest,
                                   List<String> problems, SortedMap<String, Long> messages) {
        public LocalSummary part(String node) {
            return nodes.stream().filter(n -> n.node().equals(node)).findFirst().orElse(null);
        }
    }

    /**
     * What a node restored: its local checkpoint, the entries and digest of the storage it holds now, the recorded
     * channel messages delivered again, and how many entries and messages the restore filter changed.
     */
    public record RestoredPart(String node, String local, long entries, String digest, int redelivered, int filtered) {
    }

    /** {@code pending}: nodes that had not confirmed by the deadline; the order keeps going to them. */
    public record RestoreOutcome(String id, String algorithm, long epoch, List<RestoredPart> nodes, List<String> pending,
                                 List<String> problems, SortedMap<String, Long> messages) {
    }

    public record Listing(List<GlobalCheckpoint> checkpoints) {
    }

    // ------------------------------------------------------------ requests to the initiator core

    public record Take(String algorithm) {
    }

    public record Restore(String id) {
    }

    public record ListAll() {
    }

    public record Get(String id) {
    }

    /** To a node's {@link CheckpointedCore}: take an independent checkpoint now; answered with its summary. */
    public record CheckpointNow() {
    }
}
