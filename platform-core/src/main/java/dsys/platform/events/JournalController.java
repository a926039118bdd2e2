package dsys.platform.events;

import dsys.core.sim.JournalEntry;
import dsys.platform.host.NodeRuntime;
import dsys.platform.web.ProblemException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/journal?after=&limit=}: this node's sends and receives after seq {@code after} (without it, the
 * newest), for the console's space-time diagram (the gateway merges every node's at {@code /api/console/messages}).
 * Reading it turns recording on for two minutes.
 */
@RestController
public class JournalController {

    private final NodeRuntime node;

    public JournalController(NodeRuntime node) {
        this.node = node;
    }

    @GetMapping("/api/journal")
    public Map<String, Object> journal(@RequestParam(required = false) Long after,
                                       @RequestParam(defaultValue = "1000") int limit) {
        if (limit < 1 || limit > MessageJournal.CAPACITY) {
            throw ProblemException.badRequest("limit must be within 1.." + MessageJournal.CAPACITY + ", was " + limit);
        }
        MessageJournal journal = node.journal();
        boolean wasRecording = journal.recording();
        journal.watch();
        // Without 'after': the newest entries (a reader that just arrived wants the present, not the oldest kept).
        long from = after != null ? after : journal.next() - limit - 1;
        List<MessageJournal.Numbered> entries = journal.after(from, limit);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node.identity().self().value());
        m.put("next", journal.next());
        m.put("recordingSince", wasRecording ? "earlier" : "now"); // "now": what happened before this read is not there
        m.put("entries", entries.stream().map(JournalController::line).toList());
        return m;
    }

    /** The journal line as the verifier reads it, plus its seq. */
    private static Map<String, Object> line(MessageJournal.Numbered n) {
        JournalEntry e = n.entry();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", n.seq());
        m.put("event", e.event());
        m.put("node", e.node());
        m.put("peer", e.peer());
        m.put("msgId", e.msgId());
        m.put("type", e.type());
        m.put("lamport", e.lamport());
        m.put("vector", e.vector().entries());
        m.put("time", e.time());
        return m;
    }
}
