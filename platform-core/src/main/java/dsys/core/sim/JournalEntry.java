package dsys.core.sim;

import dsys.core.clock.VectorTime;

import java.util.Map;

/**
 * One line of the message journal (docs/conventions.md): a send or a receive, with the node's logical clocks right
 * after it and the virtual time in nanoseconds. {@code msgId} is shared by a send and its receive(s).
 */
public record JournalEntry(String event, String node, String peer, String msgId, String type, long lamport,
                           VectorTime vector, long time) {

    /** One JSON object, keys in the documented order, no spaces: the verifier reads these line by line. */
    public String toJson() {
        StringBuilder b = new StringBuilder(128).append('{');
        field(b, "event", event).append(',');
        field(b, "node", node).append(',');
        field(b, "peer", peer).append(',');
        field(b, "msgId", msgId).append(',');
        field(b, "type", type).append(',');
        b.append("\"lamport\":").append(lamport).append(",\"vector\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : vector.entries().entrySet()) { // VectorTime keeps keys sorted
            if (!first) b.append(',');
            first = false;
            quote(b, e.getKey()).append(':').append(e.getValue());
        }
        return b.append("},\"time\":").append(time).append('}').toString();
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        quote(b, name).append(':');
        return value == null ? b.append("null") : quote(b, value);
    }

    static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"');
    }
}
