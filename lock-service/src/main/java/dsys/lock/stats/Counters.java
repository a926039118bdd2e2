package dsys.lock.stats;

import java.util.Map;

/**
 * One node's tallies for one algorithm (plain values: they travel in stats replies and are summed).
 *
 * @param remoteEntries entries whose deciding party was another node (centralized: not at the coordinator)
 * @param messages      algorithm messages this node sent, by type (heartbeats and epoch changes not included)
 * @param delaySum      sum over entries of the messages on the critical path before entry
 */
public record Counters(long entries, long remoteEntries, long exits, Map<String, Long> messages, double delaySum,
                       long waitMsSum, long holdMsSum, long denials, long expiries, long renewals) {

    public static final Counters ZERO = new Counters(0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0);

    public long messageTotal() {
        return messages.values().stream().mapToLong(Long::longValue).sum();
    }

    public Counters plus(Counters o) {
        var m = new java.util.TreeMap<>(messages);
        o.messages.forEach((k, v) -> m.merge(k, v, Long::sum));
        return new Counters(entries + o.entries, remoteEntries + o.remoteEntries, exits + o.exits, Map.copyOf(m),
                delaySum + o.delaySum, waitMsSum + o.waitMsSum, holdMsSum + o.holdMsSum, denials + o.denials,
                expiries + o.expiries, renewals + o.renewals);
    }
}
