package dsys.kv.quorum;

import java.util.Objects;

/**
 * A Paxos ballot and, for the write that a ballot first proposed, the version of the value: (counter, node),
 * ordered by counter, then node. The counter is hybrid-logical: a proposer takes the larger of its clock in
 * milliseconds and one more than any counter it has seen or issued, so versions still grow along the chain of
 * writes however clocks are set, and they also read as creation times. That time is what lets tombstones be
 * collected: a key written again after its death certificate was dropped gets a version above every version it
 * had before (those are older than the collection horizon), and a replica that dropped one can refuse stale
 * ballots with a single number (its floor). Unique per node: a node never issues the same counter twice.
 */
public record Ballot(long counter, String node) implements Comparable<Ballot> {

    /** Below every issued ballot: "never promised, never accepted", and the version of a key never written. */
    public static final Ballot ZERO = new Ballot(0, "");

    public Ballot {
        Objects.requireNonNull(node, "node");
        if (counter < 0) throw new IllegalArgumentException("ballot counter must not be negative: " + counter);
        if (node.indexOf('.') >= 0) throw new IllegalArgumentException("node name must not contain '.': " + node);
        // One String per node name: a replica holds four or more ballots per key, and each decoded from storage or
        // a message would carry its own copy of "kv-2" (48 bytes; a key of 100 bytes took ~1,400 in all). The JVM's
        // string table holds its entries weakly; long names (from clients' If-Match) are left alone.
        if (node.length() <= 32) node = node.intern();
    }

    @Override
    public int compareTo(Ballot o) {
        int c = Long.compare(counter, o.counter);
        return c != 0 ? c : node.compareTo(o.node);
    }

    public boolean isAfter(Ballot o) {
        return compareTo(o) > 0;
    }

    public boolean isBefore(Ballot o) {
        return compareTo(o) < 0;
    }

    public boolean zero() {
        return equals(ZERO);
    }

    public static Ballot max(Ballot a, Ballot b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The form ETags and storage use: {@code counter.node}, e.g. {@code 1712.kv-2}; ZERO is {@code 0.}. */
    @Override
    public String toString() {
        return counter + "." + node;
    }

    /** Parses {@link #toString()}; throws IllegalArgumentException naming what was wrong. */
    public static Ballot parse(String s) {
        int dot = s == null ? -1 : s.indexOf('.');
        if (dot <= 0) throw new IllegalArgumentException("a version looks like 1712.kv-2, got '" + s + "'");
        try {
            return new Ballot(Long.parseLong(s.substring(0, dot)), s.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a version looks like 1712.kv-2, got '" + s + "'", e);
        }
    }
}
