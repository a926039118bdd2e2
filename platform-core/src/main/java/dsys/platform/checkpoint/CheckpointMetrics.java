package dsys.platform.checkpoint;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code dsys.txn.checkpoints.taken{algorithm, complete}}: global checkpoints taken (complete false: a snapshot
 * with problems named); {@code .aborted{algorithm}}: runs that produced none (a coordinated round aborted, an
 * independent query without every report); {@code .restored{algorithm}}: restores ordered and confirmed.
 * Prefixed {@code txn}: txn-coordinator serves them, under /api/txn.
 */
public final class CheckpointMetrics {

    private final MeterRegistry registry;

    public CheckpointMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void taken(String algorithm, boolean complete) {
        Counter.builder("dsys.txn.checkpoints.taken").description("global checkpoints taken")
                .tag("algorithm", algorithm).tag("complete", Boolean.toString(complete)).register(registry).increment();
    }

    void aborted(String algorithm) {
        Counter.builder("dsys.txn.checkpoints.aborted").description("checkpoint runs that produced no global checkpoint")
                .tag("algorithm", algorithm).register(registry).increment();
    }

    void restored(String algorithm) {
        Counter.builder("dsys.txn.checkpoints.restored").description("global checkpoints restored")
                .tag("algorithm", algorithm).register(registry).increment();
    }
}
