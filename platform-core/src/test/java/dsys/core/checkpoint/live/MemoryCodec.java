package dsys.core.checkpoint.live;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's codec: values stay objects, storage holds their index. The simulation keeps it across crashes
 * as it keeps the disks, so it stands for a JSON codec (JsonCodec live, tested on its own) without a JSON library.
 */
final class MemoryCodec implements Codec {

    private final List<Object> values = new ArrayList<>();

    @Override
    public String encode(Object value) {
        values.add(value);
        return "#" + (values.size() - 1);
    }

    @Override
    public Object decode(String text) {
        return values.get(Integer.parseInt(text.substring(1)));
    }
}
