package dsys.core.epidemic;

import java.util.Objects;

/**
 * Knobs of the epidemic, in milliseconds of the node's monotonic time.
 *
 * @param rumorPeriodMs      a node with hot rumors pushes them to one random peer this often; 0 turns rumor
 *                           mongering off
 * @param lossOfInterest     k: each time a peer already knew a rumor, the pusher drops it with probability 1/k
 *                           (Demers' feedback + coin variant; residue s = e^{-(k+1)(1-s)})
 * @param antiEntropyPeriodMs every replica starts an exchange with one random peer this often; 0 turns it off
 * @param exchange           push, pull or push-pull
 * @param certificateTtlMs   a death certificate is dropped this long after a node learned it, except at its keepers
 * @param dormantKeepers     how many replicas keep each dropped certificate dormant (chosen per key by hashing)
 * @param maxBatchBytes      a message carries updates up to about this many bytes (one update always fits); the
 *                           rest goes in later rounds
 */
public record EpidemicSettings(long rumorPeriodMs, int lossOfInterest, long antiEntropyPeriodMs, Exchange exchange,
                               long certificateTtlMs, int dormantKeepers, long maxBatchBytes) {

    public EpidemicSettings {
        Objects.requireNonNull(exchange, "exchange");
        if (rumorPeriodMs < 0 || antiEntropyPeriodMs < 0) throw new IllegalArgumentException("periods must not be negative");
        if (lossOfInterest < 1) throw new IllegalArgumentException("k (loss of interest 1/k) must be at least 1, got " + lossOfInterest);
        if (certificateTtlMs < 1) throw new IllegalArgumentException("certificateTtlMs must be positive");
        if (dormantKeepers < 1) throw new IllegalArgumentException("at least one replica must keep dormant certificates");
        if (maxBatchBytes < 1) throw new IllegalArgumentException("maxBatchBytes must be positive");
    }

    /** For the simulator (millisecond network delays): rumors every 50 ms with k = 2, push-pull every 200 ms. */
    public static EpidemicSettings sim() {
        return new EpidemicSettings(50, 2, 200, Exchange.PUSH_PULL, 2_000, 2, 512 * 1024);
    }

    /** Rumor mongering alone (the residue experiment). */
    public EpidemicSettings rumorsOnly(int k) {
        return new EpidemicSettings(rumorPeriodMs == 0 ? 50 : rumorPeriodMs, k, 0, exchange, certificateTtlMs,
                dormantKeepers, maxBatchBytes);
    }

    /** Anti-entropy alone (the rounds experiment). */
    public EpidemicSettings antiEntropyOnly(Exchange how) {
        return new EpidemicSettings(0, lossOfInterest, antiEntropyPeriodMs == 0 ? 200 : antiEntropyPeriodMs, how,
                certificateTtlMs, dormantKeepers, maxBatchBytes);
    }

    public EpidemicSettings withCertificateTtlMs(long ms) {
        return new EpidemicSettings(rumorPeriodMs, lossOfInterest, antiEntropyPeriodMs, exchange, ms, dormantKeepers,
                maxBatchBytes);
    }

    public EpidemicSettings withDormantKeepers(int r) {
        return new EpidemicSettings(rumorPeriodMs, lossOfInterest, antiEntropyPeriodMs, exchange, certificateTtlMs, r,
                maxBatchBytes);
    }

    public boolean rumorMongering() {
        return rumorPeriodMs > 0;
    }

    public boolean antiEntropy() {
        return antiEntropyPeriodMs > 0;
    }
}
