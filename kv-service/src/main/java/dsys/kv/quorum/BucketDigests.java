package dsys.kv.quorum;

import java.util.ArrayList;
import java.util.List;

/**
 * Bucketed hashes of a replica, for anti-entropy: keys fall into buckets by a hash of the key, and a bucket's
 * digest is the XOR of its entries' hashes (key, accepted ballot, chosen flag), kept up to date entry by entry,
 * so comparing two replicas costs one number per bucket and only differing buckets are listed key by key.
 */
final class BucketDigests {

    private final long[] buckets;

    BucketDigests(int count) {
        buckets = new long[count];
    }

    int bucketOf(String key) {
        return (int) Long.remainderUnsigned(fnv(key), buckets.length);
    }

    /**
     * Replaces {@code before} (null: none) by {@code after} (null: none) for {@code key}. A state that only holds a
     * promise (nothing accepted) does not count: replicas that differ in promises alone hold the same data.
     */
    void update(String key, AcceptorState before, AcceptorState after) {
        int b = bucketOf(key);
        if (holdsData(before)) buckets[b] ^= entryHash(key, before);
        if (holdsData(after)) buckets[b] ^= entryHash(key, after);
    }

    static boolean holdsData(AcceptorState s) {
        return s != null && !s.accepted().zero();
    }

    List<Long> snapshot() {
        List<Long> out = new ArrayList<>(buckets.length);
        for (long h : buckets) out.add(h);
        return out;
    }

    int count() {
        return buckets.length;
    }

    /** The buckets where {@code theirs} differs from this replica's. */
    List<Integer> differing(List<Long> theirs) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < buckets.length; i++) {
            if (i >= theirs.size() || theirs.get(i) != buckets[i]) out.add(i);
        }
        return out;
    }

    private static long entryHash(String key, AcceptorState s) {
        long h = fnv(key);
        h = mix(h ^ s.accepted().counter());
        h = mix(h ^ fnv(s.accepted().node()));
        return mix(h ^ (s.committed() ? 0x5bd1e995L : 0x1b873593L));
    }

    /** FNV-1a over the UTF-16 units: specified, so every replica and every run buckets a key alike. */
    static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) h = (h ^ s.charAt(i)) * 0x100000001b3L;
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
