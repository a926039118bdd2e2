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
 */
public record QuorumSettings(long retryMs, long backoffMs, long deadlineMs, long antiEntropyMs,
                             long tombstoneHorizonMs, int buckets, long ballotReserve) {

    public QuorumSettings {
        if (retryMs < 1 || backoffMs < 1 || deadlineMs < retryMs || antiEntropyMs < 1 || tombstoneHorizonMs < 1) {
            throw new IllegalArgumentException("timings must be positive and the deadline at least one retry: " + this);
        }
        if (buckets < 1 || buckets > 4096) throw new IllegalArgumentException("buckets must be 1..4096, got " + buckets);
        if (ballotReserve < 1) throw new IllegalArgumentException("ballotReserve must be positive");
    }

    /** For the simulator, whose network delays messages by milliseconds. */
    public static QuorumSettings sim() {
        return new QuorumSettings(25, 20, 500, 100, 3_600_000, 16, 1_000);
    }

    /** For live nodes on one host. */
    public static QuorumSettings live() {
        return new QuorumSettings(250, 50, 3_000, 5_000, 86_400_000, 64, 100_000);
    }

    public QuorumSettings withTombstoneHorizonMs(long ms) {
        return new QuorumSettings(retryMs, backoffMs, deadlineMs, antiEntropyMs, ms, buckets, ballotReserve);
    }

    public QuorumSettings withAntiEntropyMs(long ms) {
        return new QuorumSettings(retryMs, backoffMs, deadlineMs, ms, tombstoneHorizonMs, buckets, ballotReserve);
    }

    public QuorumSettings withDeadlineMs(long ms) {
        return new QuorumSettings(retryMs, backoffMs, ms, antiEntropyMs, tombstoneHorizonMs, buckets, ballotReserve);
    }
}
