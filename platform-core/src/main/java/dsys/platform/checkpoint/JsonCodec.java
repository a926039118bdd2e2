package dsys.platform.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.checkpoint.live.Codec;

/**
 * The live {@link Codec}: the value's class name, a newline, its JSON (the transport's mapper, so a recorded message
 * is stored as it travelled). Only dsys classes are read back: the storage is the node's own, but a name is not
 * trusted to load anything.
 */
public final class JsonCodec implements Codec {

    private final ObjectMapper json;

    public JsonCodec(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String encode(Object value) {
        try {
            return value.getClass().getName() + "\n" + json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Object decode(String text) {
        int nl = text.indexOf('\n');
        String type = nl < 0 ? "" : text.substring(0, nl);
        if (!type.startsWith("dsys.")) throw new IllegalStateException("not a stored dsys value: '" + type + "'");
        try {
            return json.readValue(text.substring(nl + 1), Class.forName(type, false, JsonCodec.class.getClassLoader()));
        } catch (ClassNotFoundException | JsonProcessingException e) {
            throw new IllegalStateException("cannot decode a stored " + type + ": " + e.getMessage(), e);
        }
    }
}
