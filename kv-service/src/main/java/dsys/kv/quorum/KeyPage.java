package dsys.kv.quorum;

import java.util.List;
import java.util.Map;

/**
 * The client's side of a range listing ({@link RangeList}): {@link Request} asks, the page answers. {@code next}
 * is the cursor to pass as {@code after} for the following page (null: no more keys).
 */
public record KeyPage(List<Key> keys, String next, Map<String, Integer> messages) {

    public record Key(String key, Ballot version, int size) {
    }

    public record Request(String prefix, String after, int limit) {
        public static final int DEFAULT_LIMIT = 100;
        public static final int MAX_LIMIT = 1000;
    }
}
