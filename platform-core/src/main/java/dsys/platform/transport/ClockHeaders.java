package dsys.platform.transport;

import dsys.core.clock.VectorTime;

import java.util.TreeMap;

/** The logical clocks on the wire: {@code X-Dsys-Lamport: 12}, {@code X-Dsys-Vector: kv-1=3,kv-2=1}. */
public final class ClockHeaders {

    public static final String FROM = "X-Dsys-From";
    public static final String MESSAGE_ID = "X-Dsys-Message-Id";
    public static final String MESSAGE_CLASS = "X-Dsys-Message-Class";
    public static final String LAMPORT = "X-Dsys-Lamport";
    public static final String VECTOR = "X-Dsys-Vector";

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
