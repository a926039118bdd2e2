package dsys.kv.api;

import dsys.kv.quorum.QuorumSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code dsys.kv.*}: overrides of {@link QuorumSettings#live()} (milliseconds, bytes). */
@ConfigurationProperties(prefix = "dsys.kv")
public class KvProperties {

    private final QuorumSettings d = QuorumSettings.live();
    private long retryMs = d.retryMs();
    private long backoffMs = d.backoffMs();
    private long deadlineMs = d.deadlineMs();
    private long antiEntropyMs = d.antiEntropyMs();
    private long tombstoneHorizonMs = d.tombstoneHorizonMs();
    /** An anti-entropy message's budget in bytes of JSON (1 KiB..1 MiB): larger transfers go in several. */
    private long maxTransferBytes = d.maxTransferBytes();
    /** How long a chosen lock's commits wait for its release to make them moot (0..deadline-ms; 0: at once). */
    private long lockCommitDelayMs = d.lockCommitDelayMs();
    /** How often a node reads the agreed keyspace table, so it starts keyspaces created through other nodes. */
    private long catalogRefreshMs = 1_000;
    /** Open watches (SSE streams) per node; one more is a 503. */
    private int maxWatchers = 256;
    /** A watch stream ends after this long; the client resumes with Last-Event-ID. */
    private long watchTimeoutMs = 600_000;
    /** New keys are refused (507) while live data fills more than this share of the old generation ({@link HeapGuard}). */
    private double heapFullFraction = 0.8;

    /** Checkpoints and recovery of keyspaces (see {@link KvCheckpoints}). */
    private final Checkpoint checkpoint = new Checkpoint();

    /**
     * {@code dsys.kv.checkpoint.*}: the node whose checkpoint messages count (txn-1), the keyspaces whose replicas
     * take part (each a core wrapped for it; others run as they are), the mean time between a node's own
     * independent checkpoints (0: only when txn-1's query asks), local checkpoints kept per algorithm, and the
     * longest a coordinated round holds a node's sends back (more than txn-1's round timeout).
     */
    public static class Checkpoint {
        private String initiator = "txn-1";
        private java.util.List<String> keyspaces = java.util.List.of("default");
        private long independentEveryMs = 0;
        private int keep = 3;
        private long blockLimitMs = 5_000;

        public String getInitiator() { return initiator; }
        public void setInitiator(String v) { this.initiator = v; }
        public java.util.List<String> getKeyspaces() { return keyspaces; }
        public void setKeyspaces(java.util.List<String> v) { this.keyspaces = v; }
        public long getIndependentEveryMs() { return independentEveryMs; }
        public void setIndependentEveryMs(long v) { this.independentEveryMs = v; }
        public int getKeep() { return keep; }
        public void setKeep(int v) { this.keep = v; }
        public long getBlockLimitMs() { return blockLimitMs; }
        public void setBlockLimitMs(long v) { this.blockLimitMs = v; }
    }

    public Checkpoint getCheckpoint() { return checkpoint; }

    public QuorumSettings toSettings() {
        return new QuorumSettings(retryMs, backoffMs, deadlineMs, antiEntropyMs, tombstoneHorizonMs, d.buckets(),
                d.ballotReserve(), maxTransferBytes, lockCommitDelayMs);
    }

    public long getRetryMs() { return retryMs; }
    public void setRetryMs(long v) { this.retryMs = v; }
    public long getBackoffMs() { return backoffMs; }
    public void setBackoffMs(long v) { this.backoffMs = v; }
    public long getDeadlineMs() { return deadlineMs; }
    public void setDeadlineMs(long v) { this.deadlineMs = v; }
    public long getAntiEntropyMs() { return antiEntropyMs; }
    public void setAntiEntropyMs(long v) { this.antiEntropyMs = v; }
    public long getTombstoneHorizonMs() { return tombstoneHorizonMs; }
    public void setTombstoneHorizonMs(long v) { this.tombstoneHorizonMs = v; }
    public long getMaxTransferBytes() { return maxTransferBytes; }
    public void setMaxTransferBytes(long v) { this.maxTransferBytes = v; }
    public long getLockCommitDelayMs() { return lockCommitDelayMs; }
    public void setLockCommitDelayMs(long v) { this.lockCommitDelayMs = v; }
    public long getCatalogRefreshMs() { return catalogRefreshMs; }
    public void setCatalogRefreshMs(long v) {
        if (v < 1) throw new IllegalArgumentException("dsys.kv.catalog-refresh-ms must be positive, got " + v);
        this.catalogRefreshMs = v;
    }

    public int getMaxWatchers() { return maxWatchers; }
    public void setMaxWatchers(int v) { this.maxWatchers = v; }
    public long getWatchTimeoutMs() { return watchTimeoutMs; }
    public void setWatchTimeoutMs(long v) { this.watchTimeoutMs = v; }
    public double getHeapFullFraction() { return heapFullFraction; }
    public void setHeapFullFraction(double v) { this.heapFullFraction = v; }
}
