package dsys.verifier.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.TreeMap;

/** Writes message-journal lines in the format {@link JournalReader} reads. */
public final class JournalWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JournalWriter() {
    }

    public static String toJson(MessageEvent e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("event", e.event().json());
        o.put("node", e.node());
        o.put("peer", e.peer());
        o.put("msgId", e.msgId());
        if (e.type() != null) o.put("type", e.type());
        if (e.lamport() != null) o.put("lamport", e.lamport());
        if (e.vector() != null) {
            ObjectNode v = o.putObject("vector");
            new TreeMap<>(e.vector()).forEach(v::put);
        }
        if (e.time() != null) o.put("time", e.time());
        return o.toString();
    }

    public static void write(List<MessageEvent> events, Writer out) {
        try {
            for (MessageEvent e : events) {
                out.write(toJson(e));
                out.write('\n');
            }
            out.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
