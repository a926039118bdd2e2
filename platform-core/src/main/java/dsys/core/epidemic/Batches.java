package dsys.core.epidemic;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.function.ToLongFunction;

/** Cuts a run of items to a message's byte budget (the first always goes, however large). */
final class Batches {

    private Batches() {
    }

    static List<Update> upTo(Iterable<Update> updates, long maxBytes) {
        return upTo(updates, Update::size, maxBytes);
    }

    static <T> List<T> upTo(Iterable<T> items, ToLongFunction<T> size, long maxBytes) {
        List<T> out = new ArrayList<>();
        long bytes = 0;
        for (T item : items) {
            long b = size.applyAsLong(item);
            if (!out.isEmpty() && bytes + b > maxBytes) break;
            out.add(item);
            bytes += b;
        }
        return out;
    }

    /** The first key of {@code map} after {@code key}, or null (k + "\0" is the least string above k). */
    static String after(SortedMap<String, ?> map, String key) {
        SortedMap<String, ?> rest = map.tailMap(key + "\0");
        return rest.isEmpty() ? null : rest.firstKey();
    }
}
