package dsys.lock.election;

import dsys.core.event.Event;
import dsys.core.event.EventSink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads "election.leader" events as they happen: no epoch may ever name two leaders (on any nodes, at any time),
 * and a node's adopted epochs never go back, across crashes too.
 */
final class EpochChecker implements EventSink {

    private final Map<Long, String> leaderOfEpoch = new HashMap<>();
    private final Map<String, Long> lastEpochAt = new HashMap<>();
    final List<String> violations = new ArrayList<>();
    long leaderships;

    @Override
    public void accept(Event e) {
        if (!e.kind().equals("election.leader")) return;
        long epoch = ((Number) e.fields().get("epoch")).longValue();
        String leader = (String) e.fields().get("leader");
        String before = leaderOfEpoch.putIfAbsent(epoch, leader);
        if (before == null) leaderships++;
        if (before != null && !before.equals(leader)) {
            violations.add("epoch " + epoch + " has two leaders: " + before + " and " + leader + " (adopted at " + e.node() + ")");
        }
        Long last = lastEpochAt.put(e.node(), epoch);
        if (last != null && last > epoch) violations.add(e.node() + " went back from epoch " + last + " to " + epoch);
    }

    void check() {
        if (!violations.isEmpty()) throw new AssertionError(violations.get(0));
    }
}
