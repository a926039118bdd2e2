package dsys.time.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** Per-round state is kept for the last few rounds only: a lost "done" must not leak memory forever. */
public final class Recent {

    private Recent() {
    }

    public static <K, V> Map<K, V> map(int capacity) {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
