package dsys.lock.fenced;

import dsys.core.env.Durable;

/**
 * One lock node's replica of the fenced resource: per lock name the value with the highest version written, as in
 * the notes' argument for fencing tokens. A version is (fencing token, sub-version): the token decides, and the
 * sub-version orders the writes of one holder (same token). Every lock node keeps a replica; a write counts once a
 * majority stored it, a read takes the highest version of a majority, so losing any one
 * node loses nothing acknowledged (the quorum itself is run by the lock node, {@code dsys.lock.node.FencedQuorum}).
 */
public final class FencedResource {

    /** A replica's register; {@code sub} orders writes with the same token. */
    public record Entry(long token, long sub, String value) {
        public static final Entry NONE = new Entry(0, 0, null);

        public boolean newerThan(Entry o) {
            return token != o.token ? token > o.token : sub > o.sub;
        }
    }

    private static final String PREFIX = "fenced/";
    private static final char SEP = '\u001f';
    private final Durable storage;

    public FencedResource(Durable storage) {
        this.storage = storage;
    }

    public Entry read(String name) {
        return storage.get(PREFIX + name).map(FencedResource::decode).orElse(Entry.NONE);
    }

    /**
     * Stores {@code e} unless this replica already holds a newer version (an equal one is the same write, delivered
     * again); answers what the replica holds afterwards.
     */
    public Entry store(String name, Entry e) {
        Entry now = read(name);
        if (now.newerThan(e)) return now;
        storage.put(PREFIX + name, e.token() + String.valueOf(SEP) + e.sub() + SEP + e.value());
        return e;
    }

    private static Entry decode(String s) {
        int i = s.indexOf(SEP);
        int j = s.indexOf(SEP, i + 1);
        // before replication the single host stored "token␟value": sub-version 0
        if (j < 0 || !isNumber(s.substring(i + 1, j))) return new Entry(Long.parseLong(s.substring(0, i)), 0, s.substring(i + 1));
        return new Entry(Long.parseLong(s.substring(0, i)), Long.parseLong(s.substring(i + 1, j)), s.substring(j + 1));
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }
}
