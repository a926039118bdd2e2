package dsys.kv.chain;

import dsys.kv.quorum.QuorumSettings;

/**
 * The chain's timings, derived from the keyspace's {@link QuorumSettings} so that one set of settings serves every
 * mode: a tick of {@code retryMs} sends heartbeats, renews the tail's lease and retransmits; a member silent for
 * {@code suspectMs} is suspected and removed by the next view. The read lease is as long as the suspicion, so a dead
 * tail's lease has run out by the time its death is noticed and fail-over does not wait for it.
 *
 * @param rho assumed bound on the rate error of the nodes' monotonic clocks (the lock service's 1e-3, ten times the
 *            simulator's realistic ±100 ppm); a lease of L on the holder's clock is honoured L·(1+2ρ) by grantors
 */
record ChainTimings(long tickMs, long suspectMs, long leaseMs, long collectMs, long proposeTimeoutMs,
                    long deadlineMs, double rho, int pageEntries, long pageChars) {

    static ChainTimings from(QuorumSettings s) {
        long tick = s.retryMs();
        return new ChainTimings(tick, 4 * tick, 4 * tick, 2 * tick, 8 * tick, s.deadlineMs(), 1e-3, 512,
                s.maxTransferBytes() / 2);
    }

    /** How long a grantor honours a lease of {@link #leaseMs} (its own clock may run slow against the holder's). */
    long guardNanos() {
        return stretch(leaseMs * 1_000_000L);
    }

    long stretch(long nanos) {
        return (long) Math.ceil(nanos * (1 + 2 * rho));
    }

    long ms(long ms) {
        return ms * 1_000_000L;
    }
}
