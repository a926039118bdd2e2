package dsys.time.core;

/** Request: every member's clock (any node answers for all; a silent node is reported unreachable). */
public record NodesQuery() {
}
