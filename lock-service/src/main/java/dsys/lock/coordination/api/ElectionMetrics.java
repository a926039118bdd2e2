package dsys.lock.coordination.api;

import dsys.lock.coordination.CoordinationCore;
import dsys.lock.coordination.CoordinationResults.AgreementResult;
import dsys.lock.coordination.CoordinationResults.ElectionResult;
import dsys.lock.coordination.CoordinationSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;

/**
 * Meters of the coordination group (service and node tags come from the shared defaults):
 * <ul>
 * <li>{@code dsys.election.leader} (bully id of the leader this node follows, −1 none) and {@code dsys.election.epoch};</li>
 * <li>{@code dsys.election.declared}: leaderships this node declared; {@code dsys.election.messages.sent} by type;</li>
 * <li>{@code dsys.election.runs} and {@code dsys.election.run.messages}: REST-requested elections and what they cost;</li>
 * <li>{@code dsys.byzantine.runs} by mode and outcome.</li>
 * </ul>
 */
public final class ElectionMetrics {

    private static final Map<String, List<String>> TYPES = Map.of(
            "bully", List.of("bully.election", "bully.ok", "bully.coordinator", "election.heartbeat"),
            "ring", List.of("ring.election", "ring.coordinator", "ring.ack", "election.heartbeat"));

    private final MeterRegistry registry;

    ElectionMetrics(MeterRegistry registry, CoordinationHost host) {
        this.registry = registry;
        for (String algorithm : CoordinationCore.ALGORITHMS) {
            Gauge.builder("dsys.election.leader", host, h -> of(h, algorithm).leaderIndex())
                    .tag("algorithm", algorithm).description("bully id of the leader this node follows; -1: none").register(registry);
            Gauge.builder("dsys.election.epoch", host, h -> of(h, algorithm).epoch())
                    .tag("algorithm", algorithm).register(registry);
            FunctionCounter.builder("dsys.election.declared", host, h -> of(h, algorithm).elections())
                    .tag("algorithm", algorithm).description("leaderships this node declared").register(registry);
            for (String type : TYPES.get(algorithm)) {
                FunctionCounter.builder("dsys.election.messages.sent", host,
                                h -> of(h, algorithm).messagesSent().getOrDefault(type, 0L))
                        .tag("algorithm", algorithm).tag("type", type).register(registry);
            }
        }
    }

    private static CoordinationSnapshot.PerAlgorithm of(CoordinationHost h, String algorithm) {
        CoordinationSnapshot s = h.snapshot();
        CoordinationSnapshot.PerAlgorithm p = s == null ? null : s.byAlgorithm().get(algorithm);
        return p != null ? p : new CoordinationSnapshot.PerAlgorithm(-1, 0, 0, Map.of());
    }

    void record(ElectionResult r) {
        Counter.builder("dsys.election.runs").tag("algorithm", r.algorithm()).register(registry).increment();
        r.messages().byType().forEach((type, n) -> Counter.builder("dsys.election.run.messages")
                .tag("algorithm", r.algorithm()).tag("type", type).register(registry).increment(n));
    }

    void record(AgreementResult r) {
        Counter.builder("dsys.byzantine.runs").tag("mode", r.mode()).tag("agreed", String.valueOf(r.agreed()))
                .tag("possible", String.valueOf(r.agreementPossible())).register(registry).increment();
    }
}
