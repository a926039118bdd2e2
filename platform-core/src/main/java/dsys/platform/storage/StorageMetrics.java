package dsys.platform.storage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The log's own figures: operations applied and fsyncs done (their ratio is the group commit's batch size; the kv
 * and lock stats put fsyncs per operation beside the messages), and whether it failed.
 */
public final class StorageMetrics implements MeterBinder {

    private final FileDurable storage;

    public StorageMetrics(FileDurable storage) {
        this.storage = storage;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("dsys.storage.operations", storage, FileDurable::appended)
                .description("puts and removes applied to durable storage").register(registry);
        FunctionCounter.builder("dsys.storage.fsyncs", storage, FileDurable::syncs)
                .description("fsyncs of the write-ahead log (one per group commit)").register(registry);
        Gauge.builder("dsys.storage.failed", storage, s -> s.failed() ? 1 : 0)
                .description("1 once a write or fsync failed (the node stopped)").register(registry);
    }
}
