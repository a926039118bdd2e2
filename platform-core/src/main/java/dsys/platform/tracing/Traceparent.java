package dsys.platform.tracing;

/**
 * W3C Trace Context's {@code traceparent}: {@code 00-<trace id, 32 hex>-<parent span id, 16 hex>-<flags, 2 hex>}.
 * It is how a trace crosses what HTTP headers do not reach: envelopes between nodes and Kafka records. Only
 * sampled traces travel that way, so an unsampled request costs the hot path nothing.
 */
public final class Traceparent {

    public static final String HEADER = "traceparent";
    static final int LENGTH = 55;

    private Traceparent() {
    }

    /** A sampled context; a 64-bit trace id (16 hex digits) is left-padded to 128 bits, as W3C asks. */
    public static String sampled(String traceId, String spanId) {
        String id = traceId.length() == 16 ? "0000000000000000" + traceId : traceId;
        return "00-" + id + "-" + spanId + "-01";
    }

    /** The trace id of a well-formed {@code traceparent}. */
    public static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }

    public static boolean isSampled(String traceparent) {
        return (Character.digit(traceparent.charAt(54), 16) & 1) == 1;
    }

    /** Version 00, lower-case hex, ids not all zero: what a peer may put on an envelope (anything else is ignored). */
    public static boolean valid(String s) {
        if (s == null || s.length() != LENGTH || !s.startsWith("00-") || s.charAt(35) != '-' || s.charAt(52) != '-') {
            return false;
        }
        return hex(s, 3, 35) && hex(s, 36, 52) && hex(s, 53, 55);
    }

    private static boolean hex(String s, int from, int to) {
        boolean nonZero = to - from == 2; // flags may be 00
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
            nonZero |= c != '0';
        }
        return nonZero;
    }
}
