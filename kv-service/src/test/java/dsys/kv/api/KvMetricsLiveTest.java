package dsys.kv.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana contract: the dsys.kv meters as /actuator/prometheus shows them after real requests. */
class KvMetricsLiveTest {

    @Test
    void operationsLatencyRepairsTombstonesAndLagAreScraped() throws Exception {
        try (KvLiveCluster cluster = new KvLiveCluster(1, "dsys.kv.deadline-ms=3000")) {
            byte[] v = "v".getBytes(StandardCharsets.UTF_8);
            assertThat(cluster.call("kv-1", "PUT", "/api/kv/default/m", v, "Content-Type", "text/plain").statusCode()).isEqualTo(200);
            assertThat(cluster.call("kv-1", "GET", "/api/kv/default/m?read=quorum", null).statusCode()).isEqualTo(200);
            assertThat(cluster.call("kv-1", "PUT", "/api/kv/default/m", v, "Content-Type", "text/plain",
                    "If-Match", "\"1.kv-9\"").statusCode()).isEqualTo(412);
            assertThat(cluster.call("kv-1", "DELETE", "/api/kv/default/m", null).statusCode()).isEqualTo(200);
            assertThat(cluster.call("kv-1", "GET", "/api/kv/default/m", null).statusCode()).isEqualTo(404);

            String text = "";
            long until = System.nanoTime() + 15_000_000_000L; // the gauges are read every second
            while (System.nanoTime() < until) {
                text = scrape(cluster);
                if (value(text, "dsys_kv_tombstones\\{[^}]*node=\"kv-1\"[^}]*}") == 1.0) break;
                Thread.sleep(200);
            }
            assertThat(value(text, "dsys_kv_operations_total\\{[^}]*keyspace=\"default\",level=\"write\",node=\"kv-1\",op=\"put\",outcome=\"ok\"[^}]*}"))
                    .isEqualTo(1.0);
            assertThat(value(text, "dsys_kv_operations_total\\{[^}]*level=\"quorum\",node=\"kv-1\",op=\"get\",outcome=\"ok\"[^}]*}"))
                    .isEqualTo(1.0);
            assertThat(value(text, "dsys_kv_operations_total\\{[^}]*op=\"cas\",outcome=\"precondition\"[^}]*}")).isEqualTo(1.0);
            assertThat(value(text, "dsys_kv_operations_total\\{[^}]*op=\"delete\",outcome=\"ok\"[^}]*}")).isEqualTo(1.0);
            assertThat(value(text, "dsys_kv_operations_total\\{[^}]*level=\"linearizable\",node=\"kv-1\",op=\"get\",outcome=\"not-found\"[^}]*}"))
                    .isEqualTo(1.0);
            assertThat(value(text, "dsys_kv_quorum_latency_seconds_count\\{[^}]*level=\"write\"[^}]*}")).isEqualTo(3.0);
            assertThat(text).containsPattern("dsys_kv_quorum_latency_seconds_bucket\\{[^}]*level=\"quorum\"[^}]*le=\"\\+Inf\"");
            assertThat(text).containsPattern("dsys_kv_repairs_total\\{kind=\"write-back\",node=\"kv-1\"");
            assertThat(text).containsPattern("dsys_kv_repairs_total\\{kind=\"anti-entropy\",node=\"kv-1\"");
            assertThat(value(text, "dsys_kv_tombstones\\{[^}]*node=\"kv-1\"[^}]*}")).isEqualTo(1.0);
            assertThat(value(text, "dsys_kv_replica_lag_seconds\\{[^}]*node=\"kv-1\"[^}]*}")).isEqualTo(0.0);
        }
    }

    private static String scrape(KvLiveCluster cluster) {
        var r = cluster.call("kv-1", "GET", "/actuator/prometheus", null);
        assertThat(r.statusCode()).isEqualTo(200);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The sample's value, or NaN when no line matches. */
    private static double value(String text, String series) {
        var m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
