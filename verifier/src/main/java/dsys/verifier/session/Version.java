package dsys.verifier.session;

/**
 * A kv version as ETags show it, {@code counter.node} (e.g. {@code 1712.kv-2}; {@code 0.} is "none"), ordered by
 * counter, then node name: the order in which last-writer-wins replicas let one write supersede another. Parsed
 * here rather than borrowed from kv-service, which the verifier does not depend on.
 */
public record Version(long counter, String node) implements Comparable<Version> {

    public static final Version ZERO = new Version(0, "");

    /** Accepts the bare form and an ETag ({@code "1712.kv-2"}, {@code W/"..."}); IllegalArgumentException otherwise. */
    public static Version parse(String s) {
        String t = s == null ? "" : s.strip();
        if (t.startsWith("W/")) t = t.substring(2);
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) t = t.substring(1, t.length() - 1);
        int dot = t.indexOf('.');
        if (dot <= 0) throw new IllegalArgumentException("a version looks like 1712.kv-2, got '" + s + "'");
        try {
            long counter = Long.parseLong(t.substring(0, dot));
            if (counter < 0) throw new NumberFormatException("negative");
            return new Version(counter, t.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a version looks like 1712.kv-2, got '" + s + "'", e);
        }
    }

    @Override
    public int compareTo(Version o) {
        int c = Long.compare(counter, o.counter);
        return c != 0 ? c : node.compareTo(o.node);
    }

    public boolean isBefore(Version o) {
        return compareTo(o) < 0;
    }

    @Override
    public String toString() {
        return counter + "." + node;
    }
}
