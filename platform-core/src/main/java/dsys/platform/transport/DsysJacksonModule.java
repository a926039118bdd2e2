package dsys.platform.transport;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dsys.core.checkpoint.live.Stamped;
import dsys.core.clock.VectorTime;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.io.IOException;
import java.util.Map;

/**
 * JSON for the core's value types without putting Jackson into the core: NodeId as a string, VectorTime as a map,
 * and a checkpointed core's {@link Stamped} message with the class of the message it wraps beside it
 * ({@code {epoch, color, seq, interval, class, inner}}; the class must be a message, as a batch's own).
 */
public class DsysJacksonModule extends SimpleModule {

    public DsysJacksonModule() {
        super("dsys");
        addSerializer(NodeId.class, new JsonSerializer<>() {
            @Override
            public void serialize(NodeId v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(v.value());
            }
        });
        addDeserializer(NodeId.class, new JsonDeserializer<>() {
            @Override
            public NodeId deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return NodeId.of(p.getValueAsString());
            }
        });
        addKeySerializer(NodeId.class, new JsonSerializer<>() {
            @Override
            public void serialize(NodeId v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeFieldName(v.value());
            }
        });
        addKeyDeserializer(NodeId.class, new KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, DeserializationContext c) {
                return NodeId.of(key);
            }
        });
        addSerializer(VectorTime.class, new JsonSerializer<>() {
            @Override
            public void serialize(VectorTime v, JsonGenerator g, SerializerProvider p) throws IOException {
                p.defaultSerializeValue(v.entries(), g);
            }
        });
        addDeserializer(VectorTime.class, new JsonDeserializer<>() {
            @Override
            public VectorTime deserialize(JsonParser p, DeserializationContext c) throws IOException {
                Map<String, Long> m = p.readValueAs(new TypeReference<Map<String, Long>>() { });
                return new VectorTime(m);
            }
        });
        addSerializer(Stamped.class, new JsonSerializer<>() {
            @Override
            public void serialize(Stamped v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeStartObject();
                g.writeNumberField("epoch", v.epoch());
                g.writeNumberField("color", v.color());
                g.writeNumberField("seq", v.seq());
                g.writeNumberField("interval", v.interval());
                g.writeStringField("class", v.inner().getClass().getName());
                g.writeFieldName("inner");
                p.defaultSerializeValue(v.inner(), g);
                g.writeEndObject();
            }
        });
        addDeserializer(Stamped.class, new JsonDeserializer<>() {
            /** Streamed, not read into a tree first: every message of a checkpointed core comes this way. */
            @Override
            public Stamped deserialize(JsonParser p, DeserializationContext c) throws IOException {
                long epoch = 0, color = 0, seq = 0;
                int interval = 0;
                Class<?> type = null;
                Message inner = null;
                if (p.currentToken() == JsonToken.START_OBJECT) p.nextToken();
                for (; p.currentToken() == JsonToken.FIELD_NAME; p.nextToken()) {
                    String field = p.currentName();
                    p.nextToken();
                    switch (field) {
                        case "epoch" -> epoch = p.getLongValue();
                        case "color" -> color = p.getLongValue();
                        case "seq" -> seq = p.getLongValue();
                        case "interval" -> interval = p.getIntValue();
                        case "class" -> type = stampedClass(p, p.getText());
                        case "inner" -> {
                            if (type == null) throw JsonMappingException.from(p, "a stamped message names its class before it");
                            inner = (Message) c.readValue(p, type);
                        }
                        default -> p.skipChildren();
                    }
                }
                if (inner == null) throw JsonMappingException.from(p, "a stamped message wraps one message");
                return new Stamped(epoch, color, seq, interval, inner);
            }
        });
    }

    private static Class<?> stampedClass(JsonParser p, String name) throws JsonMappingException {
        Class<?> type;
        try {
            type = MessageBatch.messageClass(name);
        } catch (IllegalArgumentException e) {
            throw JsonMappingException.from(p, "stamped message: " + e.getMessage());
        }
        if (type == Stamped.class) throw JsonMappingException.from(p, "a stamped message wraps one message, not another stamped one");
        return type;
    }
}
