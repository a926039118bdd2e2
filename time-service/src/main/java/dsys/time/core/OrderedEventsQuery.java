package dsys.time.core;

/** Request: the last events of every node, merged in Lamport total order (ties broken by node id). */
public record OrderedEventsQuery(int limitPerNode) {
}
