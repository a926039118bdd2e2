package dsys.platform.transport;

import dsys.core.clock.VectorTime;

import java.util.TreeMap;

/**
 * Node-to-node wire conventions: the sender in header {@code X-Dsys-From} (a member, proven by the signature of
 * every batch, and checked against partitions), the stream's id in {@code X-Dsys-Stream} ({@link StreamNonces}), and
 * a vector clock as text, {@code kv-1=3,kv-2=1} (each envelope of a {@link MessageBatch} carries its own, with its
 * Lamport time).
 */
public final class ClockHeaders {

    public static final String FROM = "X-Dsys-From";
    public static final String STREAM = "X-Dsys-Stream";

    private ClockHeaders() {
    }

    public static String encode(VectorTime v) {
        StringBuilder b = new StringBuilder();
        v.entries().forEach((k, n) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(n));
        return b.toString();
    }

    public static VectorTime decode(String s) {
        TreeMap<String, Long> m = new TreeMap<>();
        if (s == null || s.isBlank()) return VectorTime.ZERO;
        for (String part : s.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("bad vector clock entry '" + part + "' (want node=count)");
            m.put(part.substring(0, eq).trim(), Long.parseLong(part.substring(eq + 1).trim()));
        }
        return new VectorTime(m);
    }
}
