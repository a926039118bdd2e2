package dsys.verifier.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON-lines history. Blank lines are skipped; unknown fields are ignored. A missing
 * index defaults to the op's position, a missing time to 0. Any malformed line throws
 * {@link HistoryFormatException} naming the line and the field.
 */
public final class HistoryReader {
    private HistoryReader() {
    }

    public static History read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r);
        }
    }

    public static History parse(String jsonl) {
        try {
            return read(new StringReader(jsonl));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static History read(Reader reader) throws IOException {
        BufferedReader in = new BufferedReader(reader);
        List<Op> ops = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String text;
        int line = 0;
        while ((text = in.readLine()) != null) {
            line++;
            if (text.isBlank()) continue;
            ops.add(parseLine(text, line, ops.size()));
            lines.add(line);
        }
        return History.of(ops, lines.stream().mapToInt(Integer::intValue).toArray());
    }

    public static Op parseLine(String text, int line, long defaultIndex) {
        ObjectNode o = JsonLines.object(text, line);
        Long index = JsonLines.optionalLong(o, "index", line);
        Long time = JsonLines.optionalLong(o, "time", line);
        String process = JsonLines.textOrInteger(o, "process", line);
        if (process == null) throw new HistoryFormatException(line, "process", "is required");
        String typeText = JsonLines.requiredText(o, "type", line);
        OpType type = OpType.parse(typeText);
        if (type == null) {
            throw new HistoryFormatException(line, "type",
                    "expected one of invoke, ok, fail, info, got \"" + typeText + "\"");
        }
        String f = JsonLines.requiredText(o, "f", line);
        String node = JsonLines.optionalText(o, "node", line);
        String key = JsonLines.textOrInteger(o, "key", line);
        JsonNode err = o.get("error");
        String error = err == null || err.isNull() ? null : err.isTextual() ? err.textValue() : err.toString();
        return new Op(index == null ? defaultIndex : index, time == null ? 0 : time, process, node, type, f, key,
                Values.fromJson(o.get("value")), error, JsonLines.textOrInteger(o, "session", line),
                JsonLines.optionalText(o, "version", line));
    }
}
