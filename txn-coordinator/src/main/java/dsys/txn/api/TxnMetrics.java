package dsys.txn.api;

import dsys.core.commit.CommitProtocol;
import dsys.core.commit.CommitRequests;
import dsys.platform.web.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code dsys.txn.outcomes{protocol, outcome}}: decisions this coordinator answered (committed, aborted), and POSTs
 * that gave up waiting (unknown: a 504, the transaction may still end either way). {@code dsys.txn.duration{protocol,
 * outcome}}: from the POST to the decision. A retried POST with the same Idempotency-Key counts once.
 */
public final class TxnMetrics {

    private static final int REMEMBERED = 10_000;

    private final MeterRegistry registry;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    /* Keyed transactions already counted; bounded, so a retry long after may count again. */
    private final Set<String> counted = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    }));

    TxnMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records the answer to a POST begun at {@code startNanos} (System.nanoTime). */
    void answered(CommitProtocol protocol, boolean keyed, long startNanos, CommitRequests.Outcome o, Throwable t) {
        if (o != null) {
            if (keyed && !counted.add(o.txn())) return; // a retry: its transaction is counted already
            String outcome = o.committed() ? "committed" : "aborted";
            counter(protocol, outcome).increment();
            durations.computeIfAbsent(protocol.label() + "|" + outcome, k -> Timer.builder("dsys.txn.duration")
                            .description("time from POST /api/txn to the coordinator's decision")
                            .tag("protocol", protocol.label()).tag("outcome", outcome).publishPercentileHistogram()
                            .register(registry))
                    .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        } else if (cause(t) instanceof ProblemException p && p.status() == 504) {
            counter(protocol, "unknown").increment();
        }
    }

    private Counter counter(CommitProtocol protocol, String outcome) {
        return outcomes.computeIfAbsent(protocol.label() + "|" + outcome, k -> Counter.builder("dsys.txn.outcomes")
                .description("transactions this coordinator answered, by outcome")
                .tag("protocol", protocol.label()).tag("outcome", outcome).register(registry));
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
