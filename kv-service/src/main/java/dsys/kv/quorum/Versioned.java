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
public record Versioned(Ballot version, String value, List<Write> writes) {

    public static final int RECENT = 8;

    /** One write: the operation that made it and the version it made. */
    public record Write(String op, Ballot version) {
    }

    public static final Versioned ABSENT = new Versioned(Ballot.ZERO, null, List.of());

    public Versioned {
        Objects.requireNonNull(version, "version");
        writes = List.copyOf(writes);
        if (writes.size() > RECENT) throw new IllegalArgumentException("more than " + RECENT + " recent writes");
    }

    /** This content changed by operation {@code op} at {@code ballot} to {@code newValue} (null: deleted). */
    public Versioned next(Ballot ballot, String newValue, String op) {
        List<Write> w = new ArrayList<>(writes);
        w.add(new Write(op, ballot));
        if (w.size() > RECENT) w.remove(0);
        return new Versioned(ballot, newValue, w);
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
        return (value == null ? (tombstone() ? "tombstone" : "absent") : "'" + abbreviate(value) + "'") + "@" + version;
    }

    private static String abbreviate(String v) {
        return v.length() <= 24 ? v : v.substring(0, 21) + "...";
    }
}
