package dsys.core.node;

import java.util.Comparator;
import java.util.Objects;

/** A node's stable name, "service-index" (e.g. {@code kv-2}); ordered by service, then index. */
public record NodeId(String value) implements Comparable<NodeId> {

    private static final Comparator<NodeId> ORDER =
            Comparator.comparing(NodeId::service).thenComparingInt(NodeId::index).thenComparing(NodeId::value);

    public NodeId {
        Objects.requireNonNull(value, "node id");
        if (value.isBlank()) throw new IllegalArgumentException("node id must not be blank");
    }

    public static NodeId of(String value) {
        return new NodeId(value);
    }

    /** The part before the last '-', or the whole id when there is no index. */
    public String service() {
        int dash = value.lastIndexOf('-');
        return dash < 0 ? value : value.substring(0, dash);
    }

    /** The number after the last '-' (bully elections compare it), or 0 when there is none. */
    public int index() {
        int dash = value.lastIndexOf('-');
        if (dash < 0) return 0;
        try {
            return Integer.parseInt(value.substring(dash + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public int compareTo(NodeId o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return value;
    }
}
