package dsys.kv.quorum;

/**
 * Timings of the quorum store, in milliseconds of the node's monotonic time.
 *
 * @param retryMs            a phase's request goes again to the replicas that have not answered, this often
 * @param backoffMs          after a refusal (a higher ballot elsewhere), wait up to this long, at random, before
 *                           the next round, so that two coordinators of one key do not keep overtaking each other
 * @param deadlineMs         a client request that has no answer by then is answered 503 (certainly not applied)
 *                           or 504 (outcome unknown)
 * @param antiEntropyMs      how often a replica compares digests with the next replica
 * @param tombstoneHorizonMs a death certificate every replica holds is dropped once this old
 * @param buckets            key ranges per digest (by hash of the key)
 * @param ballotReserve      ballot counters reserved per storage write, so a restarted node never reissues one
 * @param maxTransferBytes   an anti-entropy message's budget, in bytes of its JSON (estimated from above): a larger
 *                           transfer goes in several messages, or several rounds. 1 KiB..1 MiB, well under the 2 MiB
 *                           a peer takes in one line; only a message of a single item may pass it (one chosen
 *                           state whose value is up to ~1.5 MiB as stored, or one bucket's entries)
 * @param lockCommitDelayMs  how long the commit of a chosen lock state waits for its transaction's release to make
 *                           it moot (0: sent at once, like every other commit)
 */
public record QuorumSettings(long retryMs, long backoffMs, long deadlineMs, long antiEntropyMs,
                             long tombstoneHorizonMs, int buckets, long ballotReserve, long maxTransferBytes,
                             long lockCommitDelayMs) {

    /** The default budget of an anti-entropy message: a quarter of what a peer takes in one line. */
    public static final long MAX_TRANSFER_BYTES = 512 * 1024;

    public QuorumSettings {
        if (retryMs < 1 || backoffMs < 1 || deadlineMs < retryMs || antiEntropyMs < 1 || tombstoneHorizonMs < 1) {
            throw new IllegalArgumentException("timings must be positive and the deadline at least one retry: " + this);
        }
        if (buckets < 1 || buckets > 4096) throw new IllegalArgumentException("buckets must be 1..4096, got " + buckets);
        if (lockCommitDelayMs < 0 || lockCommitDelayMs > deadlineMs) {
            throw new IllegalArgumentException("lockCommitDelayMs must be within 0..deadlineMs, got " + lockCommitDelayMs);
        }
        if (ballotReserve < 1) throw new IllegalArgumentException("ballotReserve must be positive");
        if (maxTransferBytes < 1024 || maxTransferBytes > 1 << 20) {
            throw new IllegalArgumentException("maxTransferBytes must be 1024..1048576, got " + maxTransferBytes);
        }
    }

    /** For the simulator, whose network delays messages by milliseconds. */
    public static QuorumSettings sim() {
        return new QuorumSettings(25, 20, 500, 100, 3_600_000, 16, 1_000, MAX_TRANSFER_BYTES, 60);
    }

    /** For live nodes on one host. */
    public static QuorumSettings live() {
        // 1024 buckets: under load every in-flight write (its commit not yet everywhere) makes its bucket differ; with 64
        // buckets and 64 clients every bucket differed at every round and each diff listed the whole store (12 MB
        // of JSON after a few benchmark runs)
        return new QuorumSettings(250, 50, 3_000, 5_000, 86_400_000, 1024, 100_000, MAX_TRANSFER_BYTES, 200);
    }

    public QuorumSettings withTombstoneHorizonMs(long ms) {
        return new QuorumSettings(retryMs, backoffMs, deadlineMs, antiEntropyMs, ms, buckets, ballotReserve,
                maxTransferBytes, lockCommitDelayMs);
    }

    public QuorumSettings withAntiEntropyMs(long ms) {
        return new QuorumSettings(retryMs, backoffMs, deadlineMs, ms, tombstoneHorizonMs, buckets, ballotReserve,
                maxTransferBytes, lockCommitDelayMs);
    }

    public QuorumSettings withDeadlineMs(long ms) {
        return new QuorumSettings(retryMs, backoffMs, ms, antiEntropyMs, tombstoneHorizonMs, buckets, ballotReserve,
                maxTransferBytes, lockCommitDelayMs);
    }

    public QuorumSettings withBuckets(int count) {
        return new QuorumSettings(retryMs, backoffMs, deadlineMs, antiEntropyMs, tombstoneHorizonMs, count, ballotReserve,
                maxTransferBytes, lockCommitDelayMs);
    }

    public QuorumSettings withMaxTransferBytes(long bytes) {
        return new QuorumSettings(retryMs, backoffMs, deadlineMs, antiEntropyMs, tombstoneHorizonMs, buckets, ballotReserve,
                bytes, lockCommitDelayMs);
    }
}
