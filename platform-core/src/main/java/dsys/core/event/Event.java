package dsys.core.event;

import dsys.core.clock.VectorTime;

import java.util.Map;

/**
 * One algorithm step: which node, what kind (e.g. "lock.grant"), the node's logical clocks when it happened,
 * its physical-clock and true times in milliseconds, and the step's own fields. {@code traceId}: the sampled trace
 * (W3C trace id, 32 hex digits) the step ran in live, so the step can be looked up in Zipkin; null outside a
 * trace and always in the simulator.
 */
public record Event(String service, String node, String kind, long lamport, VectorTime vector,
                    long trueTimeMs, long clockTimeMs, Map<String, Object> fields, String traceId) {

    /** An event outside any trace. */
    public Event(String service, String node, String kind, long lamport, VectorTime vector,
                 long trueTimeMs, long clockTimeMs, Map<String, Object> fields) {
        this(service, node, kind, lamport, vector, trueTimeMs, clockTimeMs, fields, null);
    }
}
