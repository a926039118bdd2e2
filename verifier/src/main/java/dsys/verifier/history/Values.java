package dsys.verifier.history;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalizes values to plain Java (Long, BigInteger, Double, String, Boolean, List, Map, null)
 * so that equality is JSON equality: an int 1 recorded live equals a 1 read back from a file.
 */
public final class Values {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Values() {
    }

    public static Object normalize(Object v) {
        if (v == null || v instanceof Long || v instanceof String || v instanceof Boolean
                || v instanceof Double || v instanceof BigInteger) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Float f) return f.doubleValue();
        if (v instanceof JsonNode n) return fromJson(n);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(e -> out.add(normalize(e)));
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, e) -> out.put(String.valueOf(k), normalize(e)));
            return Collections.unmodifiableMap(out);
        }
        return fromJson(MAPPER.valueToTree(v));
    }

    public static Object fromJson(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        if (n.isIntegralNumber()) return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
        if (n.isNumber()) return n.doubleValue();
        if (n.isTextual()) return n.textValue();
        if (n.isBoolean()) return n.booleanValue();
        if (n.isArray()) {
            List<Object> out = new ArrayList<>(n.size());
            n.forEach(e -> out.add(fromJson(e)));
            return Collections.unmodifiableList(out);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            out.put(e.getKey(), fromJson(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Compact JSON text of a normalized value, for messages and the SVG. */
    public static String toJson(Object v) {
        try {
            return MAPPER.writeValueAsString(v);
        } catch (Exception e) {
            return String.valueOf(v);
        }
    }

    /** Field of a map value, or null when the value is not a map. */
    public static Object field(Object value, String name) {
        return value instanceof Map<?, ?> m ? m.get(name) : null;
    }
}
