package dsys.time.config;

import dsys.core.clock.PhysicalClock;
import dsys.time.ntp.NtpServerState;
import dsys.time.sync.SyncResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's meters (tags service and node come from the shared defaults): this node's clock offset against
 * true time, the largest skew the last survey saw, rounds and messages per algorithm, the advertised stratum.
 */
public final class TimeMetrics {

    private final MeterRegistry registry;
    private final AtomicLong maxSkewNanos = new AtomicLong();

    public TimeMetrics(MeterRegistry registry, PhysicalClock clock, NtpServerState ntp) {
        this.registry = registry;
        Gauge.builder("dsys.clock.offset", clock, c -> c.offsetNanos() / 1e9).baseUnit("seconds")
                .description("this node's clock minus true time").register(registry);
        Gauge.builder("dsys.clock.pending.slew", clock, c -> c.pendingSlewNanos() / 1e9).baseUnit("seconds")
                .description("backward correction still being slewed").register(registry);
        Gauge.builder("dsys.clock.drift", clock, PhysicalClock::driftPpm).baseUnit("ppm").register(registry);
        Gauge.builder("dsys.clock.skew.max", maxSkewNanos, a -> a.get() / 1e9).baseUnit("seconds")
                .description("largest pairwise skew (settled offsets) the last round seen from this node measured")
                .register(registry);
        Gauge.builder("dsys.time.ntp.stratum", ntp, s -> s.get().reference() ? 1 : s.get().stratum()).register(registry);
    }

    public void record(SyncResult r) {
        maxSkewNanos.set(r.after().maxSkewNanos());
        Counter.builder("dsys.time.sync.rounds").tag("algorithm", r.algorithm()).register(registry).increment();
        r.messages().byType().forEach((type, n) -> Counter.builder("dsys.time.sync.messages")
                .tag("algorithm", r.algorithm()).tag("type", type).register(registry).increment(n));
    }

    public void skewSeen(long nanos) {
        maxSkewNanos.set(nanos);
    }
}
