package dsys.verifier.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Field access for JSON-lines readers: every failure names the line and the field. */
public final class JsonLines {
    private JsonLines() {
    }

    public static ObjectNode object(String text, int line) {
        JsonNode n;
        try {
            n = Values.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new HistoryFormatException(line, null, "not valid JSON: " + e.getOriginalMessage());
        }
        if (!(n instanceof ObjectNode o)) {
            throw new HistoryFormatException(line, null, "expected a JSON object, got " + text.strip());
        }
        return o;
    }

    public static String requiredText(ObjectNode o, String field, int line) {
        String s = optionalText(o, field, line);
        if (s == null) throw new HistoryFormatException(line, field, "is required");
        return s;
    }

    public static String optionalText(ObjectNode o, String field, int line) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new HistoryFormatException(line, field, "expected a string, got " + n);
        return n.textValue();
    }

    /** A string, or an integer written as its decimal text (process ids, keys). */
    public static String textOrInteger(ObjectNode o, String field, int line) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return null;
        if (n.isTextual()) return n.textValue();
        if (n.isIntegralNumber()) return n.asText();
        throw new HistoryFormatException(line, field, "expected a string or an integer, got " + n);
    }

    public static Long optionalLong(ObjectNode o, String field, int line) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new HistoryFormatException(line, field, "expected an integer, got " + n);
        }
        return n.longValue();
    }
}
