package dsys.platform.transport;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dsys.core.clock.VectorTime;
import dsys.core.node.NodeId;

import java.io.IOException;
import java.util.Map;

/** JSON for the core's value types without putting Jackson into the core: NodeId as a string, VectorTime as a map. */
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
    }
}
