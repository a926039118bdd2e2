package dsys.platform.checkpoint;

import dsys.core.checkpoint.live.InitiatorTiming;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * {@code dsys.checkpoints.*}: the core group whose cores are checkpointed ({@code kv-default}: kv-service's
 * {@code default} keyspace, whose nodes wrap it for this), its nodes (all of them: a node left out would still
 * exchange messages with the others, and a restore of the rest would not be a consistent state), the initiator's
 * clocks (milliseconds; see {@link InitiatorTiming}) and how many global checkpoints it lists.
 */
@ConfigurationProperties(prefix = "dsys.checkpoints")
public class CheckpointProperties {

    private String group = "kv-default";
    private List<String> nodes = List.of("kv-1", "kv-2", "kv-3");
    private long retryMs = InitiatorTiming.DEFAULT.retry().toMillis();
    private long roundTimeoutMs = InitiatorTiming.DEFAULT.roundTimeout().toMillis();
    private long snapshotDeadlineMs = InitiatorTiming.DEFAULT.snapshotDeadline().toMillis();
    private long restoreDeadlineMs = InitiatorTiming.DEFAULT.restoreDeadline().toMillis();
    private int keep = 10;

    public InitiatorTiming toTiming() {
        return new InitiatorTiming(ms("retry-ms", retryMs), ms("round-timeout-ms", roundTimeoutMs),
                ms("snapshot-deadline-ms", snapshotDeadlineMs), ms("restore-deadline-ms", restoreDeadlineMs));
    }

    private static Duration ms(String name, long v) {
        if (v < 1 || v > 600_000) throw new IllegalArgumentException("dsys.checkpoints." + name + " must be within 1..600000, got " + v);
        return Duration.ofMillis(v);
    }

    public String getGroup() { return group; }
    public void setGroup(String v) { this.group = v; }
    public List<String> getNodes() { return nodes; }
    public void setNodes(List<String> v) { this.nodes = v; }
    public long getRetryMs() { return retryMs; }
    public void setRetryMs(long v) { this.retryMs = v; }
    public long getRoundTimeoutMs() { return roundTimeoutMs; }
    public void setRoundTimeoutMs(long v) { this.roundTimeoutMs = v; }
    public long getSnapshotDeadlineMs() { return snapshotDeadlineMs; }
    public void setSnapshotDeadlineMs(long v) { this.snapshotDeadlineMs = v; }
    public long getRestoreDeadlineMs() { return restoreDeadlineMs; }
    public void setRestoreDeadlineMs(long v) { this.restoreDeadlineMs = v; }
    public int getKeep() { return keep; }
    public void setKeep(int v) { this.keep = v; }
}
