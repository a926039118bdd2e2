package dsys.kv.eventual;

import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KvRequests;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A client session's state (Terry et al.'s read set and write set), per data item as the notes define the
 * guarantees: for each key the session touched, the highest version it read and the highest it wrote. Versions
 * are last-writer-wins stamps, so "a replica has applied what the session saw" is "it holds this version of the key
 * or a later one": a later one supersedes it everywhere. At most {@link #MAX_KEYS} keys are kept (the oldest
 * versions are dropped first, and with them the guarantees on those keys), so the token stays a small header.
 */
public final class Session {

    public static final int MAX_KEYS = 32;

    public record Entry(String keyspace, String key, Ballot read, Ballot written) {
        Ballot newest() {
            return Ballot.max(read, written);
        }
    }

    private record Item(String keyspace, String key) {
    }

    private final Map<Item, Entry> entries = new LinkedHashMap<>();

    public Collection<Entry> entries() {
        return entries.values();
    }

    public Ballot read(String keyspace, String key) {
        Entry e = entries.get(new Item(keyspace, key));
        return e == null ? Ballot.ZERO : e.read();
    }

    public Ballot written(String keyspace, String key) {
        Entry e = entries.get(new Item(keyspace, key));
        return e == null ? Ballot.ZERO : e.written();
    }

    /** Merges an entry (versions only grow). */
    public Session add(Entry e) {
        Entry old = entries.get(new Item(e.keyspace(), e.key()));
        Entry merged = old == null ? e : new Entry(e.keyspace(), e.key(), Ballot.max(old.read(), e.read()),
                Ballot.max(old.written(), e.written()));
        if (!merged.read().zero() || !merged.written().zero()) entries.put(new Item(e.keyspace(), e.key()), merged);
        while (entries.size() > MAX_KEYS) {
            entries.values().stream().min(Comparator.comparing(Entry::newest))
                    .ifPresent(x -> entries.remove(new Item(x.keyspace(), x.key())));
        }
        return this;
    }

    public Session sawRead(String keyspace, String key, Ballot version) {
        return add(new Entry(keyspace, key, version, Ballot.ZERO));
    }

    public Session sawWrite(String keyspace, String key, Ballot version) {
        return add(new Entry(keyspace, key, Ballot.ZERO, version));
    }

    /** {@code request} (a get, put or delete of {@code keyspace}) carrying what {@code guarantees} need of it. */
    public SessionRequest request(String keyspace, Object request, Set<Guarantee> guarantees) {
        String key = key(request);
        return new SessionRequest(request, guarantees, read(keyspace, key), written(keyspace, key));
    }

    static String key(Object request) {
        if (request instanceof KvRequests.Get g) return g.key();
        if (request instanceof KvRequests.Put p) return p.key();
        if (request instanceof KvRequests.Delete d) return d.key();
        throw new IllegalArgumentException("session guarantees cover gets, puts and deletes, not "
                + request.getClass().getSimpleName());
    }
}
