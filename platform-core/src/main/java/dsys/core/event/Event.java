package dsys.core.event;

import dsys.core.clock.VectorTime;

import java.util.Map;

/**
 * One algorithm step: which node, what kind (e.g. "lock.grant"), the node's logical clocks when it happened,
 * its physical-clock and true times in milliseconds, and the step's own fields.
 */
public record Event(String service, String node, String kind, long lamport, VectorTime vector,
                    long trueTimeMs, long clockTimeMs, Map<String, Object> fields) {
}
