package dsys.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The five stages of a traced transfer, cut from its spans as Zipkin's API returns them (times in µs). */
class TxnPathTest {

    private static ObjectNode span(ArrayNode trace, String node, String kind, String name, long at, long duration, String from) {
        ObjectNode s = trace.addObject().put("kind", kind).put("name", name).put("timestamp", at).put("duration", duration);
        s.putObject("localEndpoint").put("serviceName", node);
        if (from != null) s.putObject("tags").put("dsys.from", from);
        return s;
    }

    /** A 2PC transfer over kv-1 and kv-2, spans in no particular order (as Zipkin gives them). */
    private static ArrayNode transfer(boolean votes) {
        ArrayNode t = Http.JSON.createArrayNode();
        span(t, "kv-2", "CONSUMER", "receive voterequest", 2_300, 40, "txn-1");
        if (votes) {
            span(t, "txn-1", "CONSUMER", "receive vote", 5_100, 20, "kv-2");
            span(t, "txn-1", "CONSUMER", "receive vote", 4_000, 20, "kv-1");
            span(t, "txn-1", "CONSUMER", "receive vote", 5_900, 20, "kv-2"); // sent again: not the vote that counted
        }
        span(t, "gateway", "SERVER", "post txn-coordinator", 1_000, 6_500, null);
        span(t, "kv-1", "CONSUMER", "receive voterequest", 2_100, 40, "txn-1");
        span(t, "kv-1", "CONSUMER", "receive accept", 2_500, 10, "kv-1");
        span(t, "txn-1", "SERVER", "http post /api/txn", 1_600, 5_400, null);
        return t;
    }

    @Test
    void eachStageRunsFromOneSpanToTheNext() {
        double[] s = TxnPath.stages(transfer(true));
        assertThat(s).isNotNull();
        assertThat(s[0]).as("gateway → coordinator").isCloseTo(0.6, within(1e-9));
        assertThat(s[1]).as("→ the first vote-request").isCloseTo(0.5, within(1e-9));
        assertThat(s[2]).as("→ the last participant's first vote").isCloseTo(3.0, within(1e-9));
        assertThat(s[3]).as("→ the coordinator's answer (1.6 + 5.4 ms)").isCloseTo(1.9, within(1e-9));
        assertThat(s[4]).as("→ the gateway's").isCloseTo(0.5, within(1e-9));
        assertThat(s[5]).isCloseTo(6.5, within(1e-9));
        assertThat(s[0] + s[1] + s[2] + s[3] + s[4]).isCloseTo(s[5], within(1e-9));
    }

    @Test
    void aTraceWithoutVotesIsLeftOutAndCounted_andTheMediansAreTheRest() {
        ArrayNode traces = Http.JSON.createArrayNode();
        traces.add(transfer(true));
        traces.add(transfer(false));
        ArrayNode slower = transfer(true);
        for (JsonNode s : slower) if (s.path("name").asText().equals("post txn-coordinator")) ((ObjectNode) s).put("timestamp", 0).put("duration", 7_500);
        traces.add(slower);
        int[] skipped = {0};
        List<double[]> rows = TxnPath.stages(traces, skipped);
        assertThat(rows).hasSize(2);
        assertThat(skipped[0]).isEqualTo(1);
        assertThat(TxnPath.median(rows, 0)).as("of 0.6 and 1.6 ms, the upper").isCloseTo(1.6, within(1e-9));
        assertThat(TxnPath.row("dsys 2pc", 1, rows, skipped[0])).startsWith("| dsys 2pc | 1 | 2 (1 left out) | 1.60 | 0.50 | 3.00 |");
    }
}
