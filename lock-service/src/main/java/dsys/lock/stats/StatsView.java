package dsys.lock.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measured cost per algorithm, summed over the nodes that answered, beside the notes' §6.4 table.
 * Messages per entry/exit are all algorithm messages sent (requests, grants, releases, OKs, token passes,
 * wake-ups, retransmissions) divided by entries; heartbeats and epoch changes are counted apart.
 */
public record StatsView(int n, int nodesAnswered, String currentAlgorithm, List<Row> algorithms,
                        long backgroundMessages, Map<String, Counting> counting, String note) {

    public record Row(String algorithm, long entries, long exits, Double messagesPerEntryExit,
                      Double messagesPerRemoteEntryExit, Double delayBeforeEntry, Double delayPerRemoteEntry,
                      NotesTable.Row notes, NotesTable.Row notesForN, Map<String, Long> messagesByType,
                      long denials, long expiries, long renewals, Double meanWaitMs, Double meanHoldMs) {
    }

    /** {@code counting}: per node that answered, since when its tallies count (they survive restarts). */
    public static StatsView of(Map<String, Counters> sum, int n, Map<String, Counting> counting, long background,
                               String current) {
        List<Row> rows = new ArrayList<>();
        for (String alg : List.of("centralized", "ricart-agrawala", "token-ring")) {
            Counters c = sum.getOrDefault(alg, Counters.ZERO);
            long total = c.messageTotal();
            rows.add(new Row(alg, c.entries(), c.exits(), div(total, c.entries()), div(total, c.remoteEntries()),
                    div(c.delaySum(), c.entries()), div(c.delaySum(), c.remoteEntries()), NotesTable.ROWS.get(alg),
                    forN(alg, n), c.messages(), c.denials(), c.expiries(), c.renewals(),
                    div(c.waitMsSum(), c.entries()), div(c.holdMsSum(), c.exits())));
        }
        return new StatsView(n, counting.size(), current, rows, background, counting,
                "delay is counted in messages on the critical path before entry (waiting for other holders excluded); "
                        + "Ricart–Agrawala multicasts its n-1 requests at once, so its measured delay is one round "
                        + "trip (2) where the notes count 2(n-1) sequential messages; token-ring delay is estimated "
                        + "from the token's hop rate; 'remote' entries are those that cost messages (centralized: "
                        + "not requested at the coordinator itself); each node's tallies survive its restarts "
                        + "(saved every second and on a graceful stop): 'counting' says since when, and how much of a "
                        + "crash's last second may be missing");
    }

    static NotesTable.Row forN(String alg, int n) {
        return switch (alg) {
            case "centralized" -> new NotesTable.Row("3", "2", "coordinator crash");
            case "ricart-agrawala" -> new NotesTable.Row(Integer.toString(2 * (n - 1)), Integer.toString(2 * (n - 1)),
                    "crash of any process");
            default -> new NotesTable.Row("1..∞", "0.." + (n - 1), "lost token, process crash");
        };
    }

    private static Double div(double a, long b) {
        return b == 0 ? null : a / b;
    }
}
