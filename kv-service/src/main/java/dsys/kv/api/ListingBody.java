package dsys.kv.api;

import dsys.kv.quorum.KeyPage;

import java.util.List;
import java.util.Map;

/** GET /{keyspace}?prefix=&after=&limit=: a page of keys; {@code next} goes to {@code after} for the next page. */
public record ListingBody(String keyspace, List<Key> keys, String next, Map<String, Integer> messages) {

    /** {@code size}: the value's length as stored (text as is, other bodies in base64 with the content type). */
    public record Key(String key, String version, int size) {
    }

    static ListingBody of(String keyspace, KeyPage p) {
        return new ListingBody(keyspace, p.keys().stream().map(k -> new Key(k.key(), k.version().toString(), k.size()))
                .toList(), p.next(), p.messages());
    }
}
