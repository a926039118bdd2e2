package dsys.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Where a transaction's time goes, from the traces Zipkin kept of a cell (the gateway samples about 10 requests a
 * second; each node reports a span for every message it handles within a sampled trace, the participants' lock
 * rounds included). A sampled transfer is cut at five points, each a span's start or end on one host's clock:
 * <ol>
 *   <li>the gateway has the request → the coordinator has it;</li>
 *   <li>→ the first participant has its vote-request (the coordinator's begin record, forced, and the message);</li>
 *   <li>→ the coordinator has the last vote: each participant's locks (a lock round in the keys' registers, after
 *       any earlier transaction's release it waits for), its vote record and the vote;</li>
 *   <li>→ the coordinator answers (the decision record, forced);</li>
 *   <li>→ the gateway's answer leaves.</li>
 * </ol>
 * A trace without both spans of the gateway and the coordinator or without a vote (an abort before the votes, a
 * span not reported yet) is left out and counted.
 */
final class TxnPath {

    static final List<String> STAGES = List.of("gateway → coordinator", "begin → vote-request", "locks → last vote",
            "decide → answer", "answer → gateway out", "total");

    /** The stages of one trace in ms, in the order of {@link #STAGES}; null when the trace lacks a point. */
    static double[] stages(JsonNode trace) {
        List<JsonNode> spans = StreamSupport.stream(trace.spliterator(), false).toList();
        JsonNode gateway = first(spans, s -> kind(s, "SERVER") && service(s).equals("gateway"));
        if (gateway == null) return null;
        JsonNode coordinator = first(spans, s -> kind(s, "SERVER") && s.path("name").asText().endsWith("/api/txn"));
        if (coordinator == null) coordinator = first(spans, s -> kind(s, "SERVER") && !service(s).equals("gateway"));
        if (coordinator == null) return null;
        String coordinatorNode = service(coordinator);
        long requested = min(spans, s -> received(s, "voterequest"));
        long voted = max(spans, s -> received(s, "vote") && service(s).equals(coordinatorNode));
        if (requested < 0 || voted < 0) return null;
        long t0 = gateway.path("timestamp").asLong(), t1 = coordinator.path("timestamp").asLong();
        long t4 = t1 + coordinator.path("duration").asLong(), t5 = t0 + gateway.path("duration").asLong();
        return new double[]{ms(t1 - t0), ms(requested - t1), ms(voted - requested), ms(t4 - voted), ms(t5 - t4), ms(t5 - t0)};
    }

    /** The stages of each trace of a Zipkin answer (an array of traces) that has them all; {@code skipped} counts the rest. */
    static List<double[]> stages(JsonNode traces, int[] skipped) {
        List<double[]> rows = new ArrayList<>();
        for (JsonNode t : traces) {
            double[] s = stages(t);
            if (s == null) skipped[0]++;
            else rows.add(s);
        }
        return rows;
    }

    /** A table row: each stage's median over {@code rows}. */
    static String row(String system, int clients, List<double[]> rows, int skipped) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %d (%d left out) |", system, clients, rows.size(), skipped));
        for (int i = 0; i < STAGES.size(); i++) b.append(String.format(Locale.ROOT, " %.2f |", median(rows, i)));
        return b.toString();
    }

    static double median(List<double[]> rows, int stage) {
        if (rows.isEmpty()) return Double.NaN;
        double[] v = rows.stream().mapToDouble(r -> r[stage]).sorted().toArray();
        return v[v.length / 2];
    }

    /** The transfers the gateway traced between {@code fromMs} and {@code toMs} (epoch ms). */
    static JsonNode fetch(Http http, String zipkin, long fromMs, long toMs) throws IOException {
        String url = zipkin + "/api/v2/traces?serviceName=gateway&spanName=post%20txn-coordinator" // the gateway's POST span
                + "&endTs=" + toMs + "&lookback=" + Math.max(1, toMs - fromMs) + "&limit=2000";
        return Http.JSON.readTree(http.get(url));
    }

    private static boolean received(JsonNode s, String type) {
        return kind(s, "CONSUMER") && s.path("name").asText().equals("receive " + type);
    }

    private static boolean kind(JsonNode s, String kind) {
        return kind.equals(s.path("kind").asText());
    }

    private static String service(JsonNode s) {
        return s.path("localEndpoint").path("serviceName").asText();
    }

    private static JsonNode first(List<JsonNode> spans, java.util.function.Predicate<JsonNode> p) {
        return spans.stream().filter(p).min(Comparator.comparingLong(s -> s.path("timestamp").asLong())).orElse(null);
    }

    private static long min(List<JsonNode> spans, java.util.function.Predicate<JsonNode> p) {
        return spans.stream().filter(p).mapToLong(s -> s.path("timestamp").asLong()).min().orElse(-1);
    }

    /** The latest of them, but only the first of each sender's: a vote sent again (a retry) is not the vote. */
    private static long max(List<JsonNode> spans, java.util.function.Predicate<JsonNode> p) {
        Map<String, Long> bySender = new LinkedHashMap<>();
        spans.stream().filter(p).forEach(s -> bySender.merge(s.path("tags").path("dsys.from").asText(), s.path("timestamp").asLong(), Math::min));
        return bySender.values().stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private TxnPath() {
    }
}
