package dsys.lock.lease;

import dsys.core.env.Durable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The holds this node acknowledged to its clients, written to durable storage before the client hears "granted"
 * (acknowledged means durable: a node that crashes and comes back still knows whom it gave which lock).
 * Expiry instants are not persisted (nanoTime has no meaning across restarts): a restored hold gets a full
 * lease from the restart, which can only make it last longer than the client believes, never shorter.
 */
public final class HoldTable {

    private static final String PREFIX = "hold/";
    private static final char SEP = '\u001f';
    private final Durable storage;
    private final Map<String, Hold> holds = new TreeMap<>();
    private final java.util.Set<String> unwritten = new java.util.TreeSet<>();

    public HoldTable(Durable storage) {
        this.storage = storage;
    }

    /** Reloads after a crash. */
    public void restore(long nowNanos) {
        holds.clear();
        for (var e : storage.scan(PREFIX).entrySet()) {
            String[] f = e.getValue().split(String.valueOf(SEP), -1);
            if (f.length != 6) continue;
            long lease = Long.parseLong(f[3]);
            holds.put(f[0], new Hold(f[0], f[1], Long.parseLong(f[2]), lease, Long.parseLong(f[4]), f[5],
                    nowNanos, nowNanos + lease * 1_000_000L, true));
        }
    }

    public void put(Hold h) {
        unwritten.remove(h.name());
        storage.put(PREFIX + h.name(), String.join(String.valueOf(SEP), h.name(), h.owner(),
                Long.toString(h.token()), Long.toString(h.leaseMs()), Long.toString(h.epoch()), h.algorithm()));
        holds.put(h.name(), h);
    }

    /** Renewals change only the volatile expiry: nothing to write. */
    public void extend(String name, long expiresNanos) {
        holds.computeIfPresent(name, (k, h) -> h.withExpiry(expiresNanos));
    }

    /**
     * Forgets a hold now; the durable record goes at the next {@link #flush()}, so a release's answer does not
     * wait for a disk write. A crash in between brings the hold back on restart, which only blocks the lock
     * longer (see {@link #restore}).
     */
    public Optional<Hold> remove(String name) {
        Hold h = holds.remove(name);
        if (h != null) unwritten.add(name);
        return Optional.ofNullable(h);
    }

    public void flush() {
        for (String name : unwritten) storage.remove(PREFIX + name);
        unwritten.clear();
    }

    public Optional<Hold> get(String name) {
        return Optional.ofNullable(holds.get(name));
    }

    /** The hold of {@code key}'s name if it is still the one with {@code key}'s token (a token alone names no hold). */
    public Optional<Hold> get(HoldKey key) {
        return get(key.name()).filter(h -> h.token() == key.token());
    }

    public Collection<Hold> all() {
        return List.copyOf(holds.values());
    }

    public List<HoldInfo> report(long nowNanos) {
        List<HoldInfo> out = new ArrayList<>();
        for (Hold h : holds.values()) out.add(HoldInfo.of(h, nowNanos));
        return out;
    }

    public boolean isEmpty() {
        return holds.isEmpty();
    }
}
