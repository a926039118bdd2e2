package dsys.txn.api;

import dsys.core.commit.CommitCoordinator;
import dsys.core.commit.CommitTimeouts;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * {@code dsys.txn.*}: the coordinator's timeouts ({@link CommitTimeouts}, milliseconds), its participants, and how many
 * ended transactions it keeps in memory.
 */
@ConfigurationProperties(prefix = "dsys.txn")
public class TxnProperties {

    private long voteTimeoutMs = CommitTimeouts.DEFAULT.vote().toMillis();
    private long ackTimeoutMs = CommitTimeouts.DEFAULT.ack().toMillis();
    private long readyTimeoutMs = CommitTimeouts.DEFAULT.ready().toMillis();
    private long windowMs = CommitTimeouts.DEFAULT.window().toMillis();
    private long retryMs = CommitTimeouts.DEFAULT.retry().toMillis();
    /** The kv nodes operations go to ({@link ParticipantChoice}). */
    private List<String> participants = List.of("kv-1", "kv-2", "kv-3");
    /** How long a POST waits for the decision when its body names no timeoutMs. */
    private long timeoutMs = 8_000;
    /** Ended transactions the coordinator keeps in memory; older outcomes are read from its log when asked for. */
    private int endedInMemory = CommitCoordinator.ENDED_IN_MEMORY;
    /**
     * Ended transactions without an Idempotency-Key kept in the log (the newest); older ones are forgotten. Each costs
     * ~1 KiB of heap (the node's storage keeps its records in memory).
     */
    private long retainedEnded = 20_000;

    public CommitTimeouts toTimeouts() {
        return new CommitTimeouts(ms("vote-timeout-ms", voteTimeoutMs), ms("ack-timeout-ms", ackTimeoutMs),
                ms("ready-timeout-ms", readyTimeoutMs), ms("window-ms", windowMs), ms("retry-ms", retryMs));
    }

    private static Duration ms(String name, long v) {
        if (v < 1) throw new IllegalArgumentException("dsys.txn." + name + " must be positive, got " + v);
        return Duration.ofMillis(v);
    }

    public long getVoteTimeoutMs() { return voteTimeoutMs; }
    public void setVoteTimeoutMs(long v) { this.voteTimeoutMs = v; }
    public long getAckTimeoutMs() { return ackTimeoutMs; }
    public void setAckTimeoutMs(long v) { this.ackTimeoutMs = v; }
    public long getReadyTimeoutMs() { return readyTimeoutMs; }
    public void setReadyTimeoutMs(long v) { this.readyTimeoutMs = v; }
    public long getWindowMs() { return windowMs; }
    public void setWindowMs(long v) { this.windowMs = v; }
    public long getRetryMs() { return retryMs; }
    public void setRetryMs(long v) { this.retryMs = v; }
    public List<String> getParticipants() { return participants; }
    public void setParticipants(List<String> v) { this.participants = v; }
    public long getTimeoutMs() { return timeoutMs; }
    public void setTimeoutMs(long v) { this.timeoutMs = v; }
    public long getRetainedEnded() { return retainedEnded; }
    public void setRetainedEnded(long v) {
        if (v < 0) throw new IllegalArgumentException("dsys.txn.retained-ended must be 0 or more, got " + v);
        this.retainedEnded = v;
    }
    public int getEndedInMemory() { return endedInMemory; }
    public void setEndedInMemory(int v) {
        if (v < 0) throw new IllegalArgumentException("dsys.txn.ended-in-memory must be 0 or more, got " + v);
        this.endedInMemory = v;
    }
}
