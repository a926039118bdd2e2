package dsys.platform.transport;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.message.Envelope;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.platform.host.NodeRuntime;
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
    public record Received(String group, Envelope envelope) implements NodeRuntime.Arrival {
    }

    private static final Map<String, Class<?>> CLASSES = new ConcurrentHashMap<>();

    /**
     * Reads a batch from {@code from} to {@code self} in {@code buf[off, off+len)}; IllegalArgumentException names what
     * is wrong. One streaming pass: each payload is bound straight from the parser to its class, which the item names
     * before it (the order {@link Item} is written in); only an item written in another order has its payload
     * buffered as a tree first. Reading the whole line into a tree and binding from the tree took two passes, and
     * decoding is on every peer message's path.
     */
    public static List<Received> decode(byte[] buf, int off, int len, NodeId from, NodeId self, ObjectMapper json) {
        try (JsonParser p = json.getFactory().createParser(buf, off, len)) {
            List<Received> out = null;
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("needs {messages: [...]}");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals("messages")) {
                    p.skipChildren();
                } else if (value != JsonToken.START_ARRAY) {
                    throw new IllegalArgumentException("needs {messages: [...]}");
                } else {
                    out = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) out.add(item(p, from, self, json));
                }
            }
            if (out == null) throw new IllegalArgumentException("needs {messages: [...]}");
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
    }

    /** One item; the parser is on its START_OBJECT and is left on its END_OBJECT. */
    private static Received item(JsonParser p, NodeId from, NodeId self, ObjectMapper json) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("a message must be an object");
        String group = "", id = "", type = "", vector = null, trace = null;
        long lamport = 0;
        Message payload = null;
        JsonNode early = null; // a payload that came before its type
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "group" -> group = text(p, t);
                case "id" -> id = text(p, t);
                case "type" -> type = text(p, t);
                case "lamport" -> lamport = t.isNumeric() ? p.getValueAsLong() : 0;
                case "vector" -> vector = t == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                case "trace" -> trace = t == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                case "payload" -> {
                    if (type.isEmpty()) early = json.readTree(p);
                    else payload = bind(json, p, type);
                }
                default -> p.skipChildren();
            }
        }
        if (payload == null) {
            if (early == null || early.isNull()) throw new IllegalArgumentException("cannot read " + type + ": no payload");
            try {
                payload = (Message) json.treeToValue(early, messageClass(type));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot read " + type + ": " + e.getOriginalMessage());
            }
        }
        return new Received(group, new Envelope(id, from, self, payload.type(), lamport, ClockHeaders.decode(vector), payload,
                Traceparent.valid(trace) ? trace : null)); // a malformed trace is dropped, not the message
    }

    private static Message bind(ObjectMapper json, JsonParser p, String type) {
        Class<?> c = messageClass(type);
        try {
            Message m = (Message) json.readValue(p, c);
            if (m == null) throw new IllegalArgumentException("cannot read " + type + ": no payload");
            return m;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + type + ": " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    /** A scalar as text, as JsonNode.asText() gave it (a missing or structured value reads as empty). */
    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t.isScalarValue()) return t == JsonToken.VALUE_NULL ? "" : p.getValueAsString("");
        p.skipChildren();
        return "";
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
