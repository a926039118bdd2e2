package dsys.lock.node;

/**
 * Timing and limits of one lock node. All durations are milliseconds of {@code Env.nanoTime()}.
 *
 * @param heartbeatMs       failure-detector heartbeat interval (also the supervisor tick)
 * @param suspectMs         silence after which a peer is suspected
 * @param freshMs           a grant or renewal needs acks from a majority newer than this (must exceed
 *                          heartbeat interval plus one message delay, or the node never counts as connected)
 * @param maxLeaseMs        longest lease a client may ask for; longer is refused as absurd (400)
 * @param maxWaitMs         longest a client may wait for a grant
 * @param rho               assumed bound on the rate error between nodes' monotonic clocks (e.g. 1e-3); leases
 *                          and grace periods are stretched by it so that "never two holders" holds under it
 * @param retryMs           retransmission interval for requests (a lossy network)
 * @param collectMs         after a majority promised, how long a proposer waits for the rest (all promised
 *                          means no grace period)
 * @param proposeTimeoutMs  an epoch proposal without a majority by then is abandoned
 * @param stableMs          a membership change must be observed this long before it is proposed
 * @param limboMs           a node that promised an epoch that never came proposes a newer one after this
 * @param tokenSeenMs       token ring: a waiting node that saw the token pass within this window does not wake it
 * @param tokenLossMs       token ring: waiting this long with no sign of the token means it was lost
 * @param membershipChanges Ricart–Agrawala and token ring drop suspected members (false shows the notes'
 *                          "silence reads as denial")
 */
public record LockConfig(String defaultAlgorithm, long heartbeatMs, long suspectMs, long freshMs, long maxLeaseMs,
                         long maxWaitMs, double rho, long retryMs, long collectMs, long proposeTimeoutMs,
                         long stableMs, long limboMs, long tokenSeenMs, long tokenLossMs, boolean membershipChanges) {

    public LockConfig {
        if (freshMs <= heartbeatMs) throw new IllegalArgumentException("freshMs must exceed heartbeatMs");
        if (rho < 0 || rho >= 0.1) throw new IllegalArgumentException("rho must be in [0, 0.1)");
    }

    /**
     * Defaults for a live cluster over HTTP. Detection bound: a crashed or paused peer is suspected at most
     * {@code suspectMs + heartbeatMs} (0.7 s) after its last heartbeat; a membership change is proposed
     * {@code stableMs} later (on the next tick), an election answers within 150 ms, and an epoch commits
     * {@code collectMs} after a majority promised — about 1.1 s from the fault to a new epoch, under the 2 s
     * fail-over target with room for the gateway to move the dead node's names.
     */
    public static LockConfig live() {
        return new LockConfig("centralized", 100, 600, 500, 30_000, 30_000, 1e-3, 400, 150, 2_000,
                200, 3_000, 300, 3_000, true);
    }

    /** Defaults for the simulator (message delays of a few milliseconds). */
    public static LockConfig sim() {
        return new LockConfig("centralized", 20, 150, 70, 1_000, 5_000, 1e-3, 60, 40, 400,
                100, 600, 60, 600, true);
    }

    public LockConfig withAlgorithm(String algorithm) {
        return new LockConfig(algorithm, heartbeatMs, suspectMs, freshMs, maxLeaseMs, maxWaitMs, rho, retryMs,
                collectMs, proposeTimeoutMs, stableMs, limboMs, tokenSeenMs, tokenLossMs, membershipChanges);
    }

    public LockConfig withMembershipChanges(boolean on) {
        return new LockConfig(defaultAlgorithm, heartbeatMs, suspectMs, freshMs, maxLeaseMs, maxWaitMs, rho, retryMs,
                collectMs, proposeTimeoutMs, stableMs, limboMs, tokenSeenMs, tokenLossMs, on);
    }

    public LockConfig withRho(double rho) {
        return new LockConfig(defaultAlgorithm, heartbeatMs, suspectMs, freshMs, maxLeaseMs, maxWaitMs, rho, retryMs,
                collectMs, proposeTimeoutMs, stableMs, limboMs, tokenSeenMs, tokenLossMs, membershipChanges);
    }

    public LockConfig withMaxLeaseMs(long ms) {
        return new LockConfig(defaultAlgorithm, heartbeatMs, suspectMs, freshMs, ms, maxWaitMs, rho, retryMs,
                collectMs, proposeTimeoutMs, stableMs, limboMs, tokenSeenMs, tokenLossMs, membershipChanges);
    }

    /** How long a node waits for the others' answers to an inspection or statistics (twice that for one node's). */
    public long gatherTimeoutMs() {
        return Math.max(3 * retryMs, 2 * heartbeatMs);
    }

    /** A lease of {@code ms} on the holder's clock lasts at most this long on anyone else's. */
    public long stretchNanos(long ms) {
        return (long) Math.ceil(ms * 1_000_000.0 * (1 + 2 * rho));
    }

    /**
     * After an epoch change that not every node promised: the old epoch may still grant for {@code freshMs}
     * after the commit, and such a grant lasts at most {@code maxLeaseMs}.
     */
    public long graceMs() {
        return (long) Math.ceil((maxLeaseMs + freshMs) * (1 + 2 * rho)) + heartbeatMs;
    }
}
