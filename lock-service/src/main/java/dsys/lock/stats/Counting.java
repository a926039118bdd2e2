package dsys.lock.stats;

/**
 * Since when a node's tallies count, and how complete they are. Tallies are saved every few heartbeats and on a
 * graceful stop, so a crash loses at most the messages and entries of one save interval.
 *
 * @param sinceMs           when counting began (this node's clock): first start or the last reset
 * @param restarts          starts since then that resumed from saved tallies
 * @param uncountedAtMostMs an upper bound on the time whose tallies crashes lost (one save interval per crash)
 */
public record Counting(long sinceMs, int restarts, long uncountedAtMostMs) {
}
