package dsys.platform.transport;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.message.Envelope;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.platform.tracing.Traceparent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The body of {@code POST /internal/messages}: the envelopes one node has queued for one peer, oldest first, each
 * with its group, its logical clocks at send time and its payload's class; the sender is the request's
 * {@code X-Dsys-From} header. One line of a peer's stream (or the whole body of a one-shot POST) carries as many
 * messages as piled up while the previous batch was being written (see {@link HttpTransport}), after the batch's
 * signature ({@link BatchMac}).
 */
public record MessageBatch(List<Item> messages) {

    /**
     * {@code vector} as in {@link ClockHeaders#encode}; {@code type} is the payload's class name; {@code trace} the
     * sampled trace it was sent in ({@link Traceparent}), absent otherwise.
     */
    public record Item(String group, String id, String type, long lamport, String vector, Object payload,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String trace) {
        static Item of(String group, Envelope e) {
            return new Item(group, e.id(), e.payload().getClass().getName(), e.lamport(), ClockHeaders.encode(e.vector()),
                    e.payload(), e.trace());
        }
    }

    /** A received envelope and the core group it is for. */
    public record Received(String group, Envelope envelope) {
    }

    private static final Map<String, Class<?>> CLASSES = new ConcurrentHashMap<>();

    /** Reads a batch from {@code from} to {@code self} in {@code buf[off, off+len)}; IllegalArgumentException names what is wrong. */
    public static List<Received> decode(byte[] buf, int off, int len, NodeId from, NodeId self, ObjectMapper json) {
        JsonNode root;
        try {
            root = json.readTree(buf, off, len);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (!root.path("messages").isArray()) throw new IllegalArgumentException("needs {messages: [...]}");
        List<Received> out = new ArrayList<>(root.get("messages").size());
        for (JsonNode m : root.get("messages")) {
            String type = m.path("type").asText();
            Class<?> c = messageClass(type);
            Message payload;
            try {
                payload = (Message) json.treeToValue(m.get("payload"), c);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + type + ": " + e.getMessage());
            }
            String trace = m.path("trace").asText(null); // a malformed one is dropped, not the message
            out.add(new Received(m.path("group").asText(), new Envelope(m.path("id").asText(), from, self,
                    payload.type(), m.path("lamport").asLong(), ClockHeaders.decode(m.path("vector").asText(null)), payload,
                    Traceparent.valid(trace) ? trace : null)));
        }
        return out;
    }

    /** The message class named {@code type}; IllegalArgumentException when there is none or it is not a message. */
    static Class<?> messageClass(String type) {
        Class<?> c = CLASSES.get(type);
        if (c != null) return c;
        try {
            c = Class.forName(type, false, MessageBatch.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("unknown message class " + type);
        }
        if (!Message.class.isAssignableFrom(c)) throw new IllegalArgumentException(type + " is not a message");
        CLASSES.put(type, c);
        return c;
    }
}
