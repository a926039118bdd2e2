package dsys.lock.stats;

import java.util.Map;

/** Notes §6.4: messages per entry/exit, delay before entry (in message times), and the weak spot. */
public final class NotesTable {

    public record Row(String messagesPerEntryExit, String delayBeforeEntry, String problem) {
    }

    public static final Map<String, Row> ROWS = Map.of(
            "centralized", new Row("3", "2", "coordinator crash"),
            "ricart-agrawala", new Row("2(n-1)", "2(n-1)", "crash of any process"),
            "token-ring", new Row("1..∞", "0..n-1", "lost token, process crash"));

    private NotesTable() {
    }
}
