package dsys.core.epidemic;

import dsys.core.clock.LamportStamp;
import dsys.core.env.Durable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One node's replica: per key the newest update it knows (a value or an active death certificate), and the dormant
 * certificates it keeps for keys it is a keeper of. Every change is written to {@link Durable} before it returns,
 * so what the node acknowledged or passed on survives a crash. Maps are sorted, so iteration order is the same in
 * every run.
 */
public final class EpidemicReplica {

    /** What {@link #apply} did. */
    public enum Outcome {
        /** The update is newer than what was held: now held (and persisted). */
        NEW,
        /** The replica already held it or something newer: no news (rumor mongering's "already knew"). */
        KNOWN,
        /** An obsolete copy of an item deleted here: the dormant certificate woke up instead (see {@link #revived}). */
        REVIVED
    }

    private final Durable disk;
    private final UpdateCodec codec;
    private final TreeMap<String, Update> items = new TreeMap<>();
    private final TreeMap<String, Update> dormant = new TreeMap<>();
    private final TreeMap<String, Long> certificateLearned = new TreeMap<>(); // active certificates: since when (nanos)
    private Update revived;

    public EpidemicReplica(Durable disk, String storagePrefix) {
        this.disk = disk;
        this.codec = new UpdateCodec(storagePrefix);
    }

    /**
     * Reads the replica back from storage. Certificates count as learned {@code now}: a restarted process cannot
     * tell how old its monotonic time made them, and keeping one longer is safe.
     */
    public void load(long now) {
        items.clear();
        dormant.clear();
        certificateLearned.clear();
        for (Map.Entry<String, String> e : disk.scan(codec.itemsPrefix()).entrySet()) {
            Update u = UpdateCodec.decode(e.getKey(), codec.itemsPrefix(), e.getValue());
            items.put(u.key(), u);
            if (u.deathCertificate()) certificateLearned.put(u.key(), now);
        }
        for (Map.Entry<String, String> e : disk.scan(codec.dormantPrefix()).entrySet()) {
            Update u = UpdateCodec.decode(e.getKey(), codec.dormantPrefix(), e.getValue());
            dormant.put(u.key(), u);
        }
    }

    /** The newest update held for {@code key} (a value or an active certificate), or null. */
    public Update get(String key) {
        return items.get(key);
    }

    /** The dormant certificate kept for {@code key}, or null. */
    public Update dormant(String key) {
        return dormant.get(key);
    }

    /** Values and active certificates, by key (read-only). */
    public SortedMap<String, Update> items() {
        return Collections.unmodifiableSortedMap(items);
    }

    /** Active and dormant certificates held. */
    public int certificates() {
        return certificateLearned.size() + dormant.size();
    }

    public int dormantCertificates() {
        return dormant.size();
    }

    /**
     * Takes {@code u} if it is newer than what is held (last writer wins). A value older than a dormant
     * certificate is an obsolete copy of a deleted item: the certificate is reactivated instead (and it is what
     * {@link #revived()} returns), so the delete wins again wherever the copy went.
     */
    public Outcome apply(Update u, long now) {
        if (!u.supersedes(items.get(u.key()))) return Outcome.KNOWN;
        Update d = dormant.get(u.key());
        if (d != null) {
            if (!u.supersedes(d)) {
                if (u.deathCertificate()) return Outcome.KNOWN; // the certificate itself, or an older one: nothing to undo
                wake(d, now);
                return Outcome.REVIVED;
            }
            dormant.remove(u.key());
            disk.remove(codec.dormantKey(u.key()));
        }
        hold(u, now);
        return Outcome.NEW;
    }

    /**
     * A peer holds {@code version} of {@code key} (from its digest): if that is older than a dormant certificate
     * here, the certificate wakes up so the exchange sends it back. Returns the reactivated certificate, or null.
     */
    public Update reviveIfObsolete(String key, LamportStamp version, long now) {
        Update d = dormant.get(key);
        if (d == null || version.compareTo(d.version()) >= 0) return null;
        wake(d, now);
        return d;
    }

    /** The certificate the last {@link Outcome#REVIVED} woke up. */
    public Update revived() {
        return revived;
    }

    /** Active certificates learned {@code ttlNanos} ago or earlier, by key. */
    public List<Update> expired(long now, long ttlNanos) {
        List<Update> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : certificateLearned.entrySet()) {
            if (now - e.getValue() >= ttlNanos) out.add(items.get(e.getKey()));
        }
        return out;
    }

    /** Drops active certificate {@code u}; {@code dormant}: keeps it as a dormant one. */
    public void retire(Update u, boolean dormant) {
        if (!u.equals(items.get(u.key())) || !u.deathCertificate()) return;
        certificateLearned.remove(u.key());
        items.remove(u.key());
        disk.remove(codec.itemKey(u.key()));
        if (dormant) {
            this.dormant.put(u.key(), u);
            disk.put(codec.dormantKey(u.key()), UpdateCodec.encode(u));
        }
    }

    /** When the oldest active certificate was learned, or null when there is none. */
    public Long oldestCertificate() {
        return certificateLearned.values().stream().min(Long::compare).orElse(null);
    }

    private void wake(Update d, long now) {
        dormant.remove(d.key());
        disk.remove(codec.dormantKey(d.key()));
        hold(d, now);
        revived = d;
    }

    private void hold(Update u, long now) {
        items.put(u.key(), u);
        disk.put(codec.itemKey(u.key()), UpdateCodec.encode(u));
        if (u.deathCertificate()) certificateLearned.put(u.key(), now);
        else certificateLearned.remove(u.key());
    }
}
