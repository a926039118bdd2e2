package dsys.kv.quorum;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a key's register holds: the value (null when absent), its version (the ballot of the write that made it;
 * {@link Ballot#ZERO} when never written), and the last {@link #RECENT} writes that led to it, oldest first (the
 * last one made this content). A null value with a version is a death certificate (tombstone).
 *
 * <p>The recent writes are how a coordinator retries without applying a write twice or losing track of it: a
 * retry that finds its own operation among them knows its write is in the chain; one that does not, while the
 * list reaches back past its first attempt, knows that attempt never got in and cannot once the new round is
 * chosen (its ballot is then below a chosen one that does not build on it).
 */
public record Versioned(Ballot version, String value, List<Write> writes, Lock lock) {

    public static final int RECENT = 8;

    /** One write: the operation that made it and the version it made. */
    public record Write(String op, Ballot version) {
    }

    /**
     * A transaction's lock on the key (strict two-phase locking for atomic commit): {@code kind} 'p' will put
     * {@code intent}, 'd' will delete, 'g' only read. While a write lock ('p', 'd') is held, plain writes and
     * linearizable reads are refused (409); while a read lock is, plain writes are. A read lock is shared: its
     * {@code txn} lists every reader, comma-separated (a transaction id has no comma), so snapshots do not exclude
     * each other; a writer waits until the last reader is gone, unless it is that reader (an upgrade).
     */
    public record Lock(String txn, char kind, String intent) {
        public Lock {
            Objects.requireNonNull(txn, "txn");
            if ("pdg".indexOf(kind) < 0) throw new IllegalArgumentException("lock kind is p, d or g, got " + kind);
        }

        public boolean writes() {
            return kind != 'g';
        }

        /** The transactions holding it: the writer, or every reader. */
        public List<String> holders() {
            return writes() ? List.of(txn) : List.of(txn.split(","));
        }

        public boolean heldBy(String t) {
            return holders().contains(t);
        }

        /** A read lock shared with {@code t} too. */
        Lock withReader(String t) {
            return heldBy(t) ? this : new Lock(txn + "," + t, 'g', null);
        }

        /** This lock once {@code t} has gone (null: nobody holds it any more). */
        Lock without(String t) {
            List<String> left = new ArrayList<>(holders());
            left.remove(t);
            return left.isEmpty() ? null : new Lock(String.join(",", left), kind, intent);
        }
    }

    public static final Versioned ABSENT = new Versioned(Ballot.ZERO, null, List.of(), null);

    public Versioned(Ballot version, String value, List<Write> writes) {
        this(version, value, writes, null);
    }

    public Versioned {
        Objects.requireNonNull(version, "version");
        writes = List.copyOf(writes);
        if (writes.size() > RECENT) throw new IllegalArgumentException("more than " + RECENT + " recent writes");
    }

    /** This content changed by operation {@code op} at {@code ballot} to {@code newValue} (null: deleted), unlocked. */
    public Versioned next(Ballot ballot, String newValue, String op) {
        return new Versioned(ballot, newValue, recent(ballot, op), null);
    }

    /**
     * The same value and version with {@code newLock} (null: released without writing), recorded as operation
     * {@code op} at {@code ballot} so a retry of it finds itself in the chain; the version changes only when a
     * value does (ETags stay valid across a lock that comes to nothing).
     */
    public Versioned locked(Lock newLock, Ballot ballot, String op) {
        return new Versioned(version, value, recent(ballot, op), newLock);
    }

    private List<Write> recent(Ballot ballot, String op) {
        List<Write> w = new ArrayList<>(writes);
        w.add(new Write(op, ballot));
        if (w.size() > RECENT) w.remove(0);
        return w;
    }

    /** The write of operation {@code op} among the recent ones, or null. */
    public Write writeOf(String op) {
        for (Write w : writes) if (w.op().equals(op)) return w;
        return null;
    }

    /** Whether the recent writes include every write of the chain made at a ballot from {@code b} on. */
    public boolean recentSince(Ballot b) {
        return writes.size() < RECENT || writes.get(0).version().compareTo(b) < 0;
    }

    public boolean present() {
        return value != null;
    }

    public boolean tombstone() {
        return value == null && !version.zero();
    }

    @Override
    public String toString() {
        return (value == null ? (tombstone() ? "tombstone" : "absent") : "'" + abbreviate(value) + "'") + "@" + version
                + (lock == null ? "" : " locked by " + lock.txn() + " (" + lock.kind() + ")");
    }

    private static String abbreviate(String v) {
        return v.length() <= 24 ? v : v.substring(0, 21) + "...";
    }
}
