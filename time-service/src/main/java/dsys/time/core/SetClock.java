package dsys.time.core;

/**
 * Request (admin): set a node's clock wrong by {@code offsetNanos}, change its drift, or make it lose or regain
 * its reference (a stratum-1 server whose source failed). Null fields are left as they are.
 */
public record SetClock(String node, Long offsetNanos, Double driftPpm, Boolean reference) {
}
