package dsys.verifier.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dsys.verifier.history.HistoryFormatException;
import dsys.verifier.history.JsonLines;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a message journal (JSON lines). Required: event, node, peer, msgId; optional: type,
 * lamport, vector, time. Unknown fields are ignored; errors name the line and the field.
 */
public final class JournalReader {
    private JournalReader() {
    }

    public static List<MessageEvent> read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r);
        }
    }

    public static List<MessageEvent> parse(String jsonl) {
        try {
            return read(new StringReader(jsonl));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<MessageEvent> read(Reader reader) throws IOException {
        BufferedReader in = new BufferedReader(reader);
        List<MessageEvent> events = new ArrayList<>();
        String text;
        int line = 0;
        while ((text = in.readLine()) != null) {
            line++;
            if (!text.isBlank()) events.add(parseLine(text, line));
        }
        return events;
    }

    public static MessageEvent parseLine(String text, int line) {
        ObjectNode o = JsonLines.object(text, line);
        String event = JsonLines.requiredText(o, "event", line);
        MessageEvent.Kind kind = switch (event) {
            case "send" -> MessageEvent.Kind.SEND;
            case "receive" -> MessageEvent.Kind.RECEIVE;
            default -> throw new HistoryFormatException(line, "event", "expected send or receive, got \"" + event + "\"");
        };
        return new MessageEvent(kind,
                JsonLines.requiredText(o, "node", line),
                JsonLines.requiredText(o, "peer", line),
                required(JsonLines.textOrInteger(o, "msgId", line), "msgId", line),
                JsonLines.optionalText(o, "type", line),
                JsonLines.optionalLong(o, "lamport", line),
                vector(o, line),
                JsonLines.optionalLong(o, "time", line));
    }

    private static String required(String s, String field, int line) {
        if (s == null) throw new HistoryFormatException(line, field, "is required");
        return s;
    }

    private static Map<String, Long> vector(ObjectNode o, int line) {
        JsonNode v = o.get("vector");
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw new HistoryFormatException(line, "vector", "expected an object of node -> count, got " + v);
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToLong()) {
                throw new HistoryFormatException(line, "vector", "entry \"" + e.getKey() + "\" is not an integer: " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().longValue());
        }
        return out;
    }
}
