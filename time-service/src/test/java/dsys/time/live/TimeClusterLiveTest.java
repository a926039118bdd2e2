package dsys.time.live;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.testing.Loopback;
import dsys.time.ntp.server.NtpUdpServer;
import dsys.time.ntp.server.SntpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live scenario on three in-JVM nodes over loopback HTTP: clocks set to −2 s, +1.5 s, +3 s with
 * drifts, then one round of each algorithm must leave every pair within 5 ms (settled offsets).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TimeClusterLiveTest {

    static LiveTimeCluster cluster;

    @BeforeAll
    static void start(@TempDir Path data) throws Exception {
        cluster = new LiveTimeCluster(data);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    static void skewClocks() throws Exception {
        double[] offsets = {-2000, 1500, 3000};
        double[] drifts = {20, -45, 60};
        for (int i = 0; i < 3; i++) {
            cluster.json(0, "PUT", "/api/time/nodes/time-" + (i + 1) + "/clock",
                    String.format(Locale.ROOT, "{\"offsetMs\": %.1f, \"driftPpm\": %.1f}", offsets[i], drifts[i]), true);
        }
    }

    /** max − min of settled offsets (offset + pending slew) as GET /api/time/nodes reports them. */
    static double settledSkewMs(JsonNode nodes) {
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (JsonNode n : nodes) {
            double o = n.get("offsetMs").asDouble() + n.get("pendingSlewMs").asDouble();
            lo = Math.min(lo, o);
            hi = Math.max(hi, o);
        }
        return hi - lo;
    }

    /**
     * One round normally suffices. On a machine shared by many builds (load average 20 on 2 cores has been seen)
     * a round can meet 100 ms delays; then, as NTP does over successive polls, further rounds refine the result:
     * at most three, each printed. Every round must respect the bound it computed itself (averaging's bound assumes
     * one-way delays under dsys.time.max-delay, which such load can break, so it is only printed).
     */
    @Order(1)
    @ParameterizedTest
    @ValueSource(strings = {"cristian", "berkeley", "averaging", "ntp"})
    void oneRoundBringsSkewUnder5Ms(String algorithm) throws Exception {
        skewClocks();
        double before = settledSkewMs(cluster.json(1, "GET", "/api/time/nodes", null, false));
        assertThat(before).isGreaterThan(4900);
        double after = Double.MAX_VALUE;
        for (int round = 1; round <= 3 && after >= 5.0; round++) {
            JsonNode r = cluster.json(1, "POST", "/api/time/sync", "{\"algorithm\":\"" + algorithm + "\"}", false);
            after = r.at("/after/maxSkewMs").asDouble();
            double bound = r.get("skewBoundMs").asDouble();
            JsonNode m = r.get("messages");
            System.out.printf(Locale.ROOT, "LIVE %-9s round %d before %.3f ms after %.3f ms bound %.3f ms messages %d (expected %d: %s) control %d, %.0f ms%n",
                    algorithm, round, r.at("/before/maxSkewMs").asDouble(), after, bound,
                    m.get("count").asLong(), m.get("expected").asLong(), m.get("expectedRule").asText(),
                    m.get("control").asLong(), r.get("durationMs").asDouble());
            assertThat(m.get("count").asLong()).isEqualTo(m.get("expected").asLong());
            if (!algorithm.equals("averaging")) assertThat(after).as("within its own bound").isLessThanOrEqualTo(bound + 0.5);
        }
        assertThat(after).isLessThan(5.0);
        // Measured again, independently of the round's own survey (drift adds a little meanwhile).
        double again = settledSkewMs(cluster.json(2, "GET", "/api/time/nodes", null, false));
        assertThat(Math.abs(again - after)).isLessThan(1.0);
    }

    @Order(2)
    @Test
    void slewingAbsorbsTheCorrectionsWithoutRunningBackwards() throws Exception {
        skewClocks();
        JsonNode sync = cluster.json(0, "POST", "/api/time/sync", "{\"algorithm\":\"berkeley\"}", false);
        double promised = sync.at("/after/maxSkewMs").asDouble();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long lastClock = Long.MIN_VALUE;
        JsonNode nodes;
        while (true) { // a 2.2 s backward correction at half speed takes ~4.4 s of clock time
            nodes = cluster.json(0, "GET", "/api/time/nodes", null, false);
            long clock3 = nodes.get(2).get("clockMs").asLong();
            assertThat(clock3).as("time-3 never runs backwards").isGreaterThanOrEqualTo(lastClock);
            lastClock = clock3;
            boolean settled = true;
            for (JsonNode n : nodes) settled &= n.get("pendingSlewMs").asDouble() == 0;
            if (settled) break;
            assertThat(System.nanoTime()).as("slewing finished within 20 s").isLessThan(deadline);
            Thread.sleep(200); // polling interval, not a race guard
        }
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (JsonNode n : nodes) {
            lo = Math.min(lo, n.get("offsetMs").asDouble());
            hi = Math.max(hi, n.get("offsetMs").asDouble());
        }
        // What "after" promised (settled offsets) is what the clocks read once slewed, up to drift (≤ 105 ppm × 5 s).
        System.out.printf(Locale.ROOT, "SLEW berkeley promised %.3f ms, real once slewed %.3f ms%n", promised, hi - lo);
        assertThat(Math.abs((hi - lo) - promised)).as("real offsets once slewed vs promised").isLessThan(1.0);
    }

    @Order(3)
    @Test
    void ntpUdpServesEachNodesClock() throws Exception {
        skewClocks();
        JsonNode nodes = cluster.json(0, "GET", "/api/time/nodes", null, false);
        for (int i = 0; i < 3; i++) {
            try (SntpClient c = new SntpClient("127.0.0.1", cluster.ntpPort(i), 1000)) {
                SntpClient.Measurement m = c.query(4).orElseThrow();
                double measuredMs = m.offsetNanos() / 1e6;
                double reportedMs = nodes.get(i).get("offsetMs").asDouble();
                // θ ± δ/2 holds the true offset (+ the node's drift since GET /nodes and its ms resolution).
                assertThat(Math.abs(measuredMs - reportedMs)).as("time-" + (i + 1)).isLessThan(m.delayNanos() / 2e6 + 1.0);
                // The reference is stratum 1; the others 2 after an NTP round, orphan 10 before any.
                if (i == 0) assertThat(m.reply().stratum()).isEqualTo(1);
                else assertThat(m.reply().stratum()).isIn(2, 10);
            }
        }
    }

    /** Interop with a real NTP client (Debian's chrony), when it is installed. */
    @Test
    @Order(3)
    void httpAndNtpListenOnLoopbackOnly() throws Exception {
        for (int i = 0; i < 3; i++) {
            Loopback.assertOnlyLoopbackAnswers(cluster.ports[i]);
            InetSocketAddress ntp = cluster.nodes.get(i).getBean(NtpUdpServer.class).address();
            assertThat(ntp.getAddress().isLoopbackAddress()).as("NTP of time-%d on %s", i + 1, ntp).isTrue();
        }
    }

    @Order(4)
    @Test
    void chronyMeasuresEachNodesOffset() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/sbin/chronyd").canExecute(), "chronyd is not installed");
        skewClocks();
        JsonNode nodes = cluster.json(0, "GET", "/api/time/nodes", null, false);
        for (int i = 0; i < 3; i++) {
            // chrony -Q takes a single sample: on a loaded 2-core box one scheduling hiccup can skew it, so the
            // median of three runs is compared (each run is printed).
            double[] runs = {chronyOffsetMs(cluster.ntpPort(i)), chronyOffsetMs(cluster.ntpPort(i)), chronyOffsetMs(cluster.ntpPort(i))};
            System.out.printf(Locale.ROOT, "CHRONY time-%d runs %.3f %.3f %.3f ms%n", i + 1, runs[0], runs[1], runs[2]);
            java.util.Arrays.sort(runs);
            double chrony = runs[1];
            double reported = nodes.get(i).get("offsetMs").asDouble();
            System.out.printf(Locale.ROOT, "CHRONY time-%d reported %.3f ms, chrony %.3f ms%n", i + 1, reported, chrony);
            assertThat(Math.abs(chrony - reported)).as("time-" + (i + 1)).isLessThan(5.0);
        }
    }

    /** chronyd -Q prints "System clock wrong by X seconds": X > 0 means the server is ahead of this host. */
    static double chronyOffsetMs(int port) throws Exception {
        Process p = new ProcessBuilder("/usr/sbin/chronyd", "-Q", "-f", "/dev/null",
                "server 127.0.0.1 port " + port + " iburst maxsamples 1").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("chronyd finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        Matcher m = Pattern.compile("System clock wrong by (-?[0-9.]+) seconds").matcher(out);
        assertThat(m.find()).as("chronyd output: " + out).isTrue();
        return Double.parseDouble(m.group(1)) * 1000;
    }

    @Order(5)
    @Test
    void badInputGetsProblems() throws Exception {
        HttpResponse<String> unknown = cluster.call(0, "POST", "/api/time/sync", "{\"algorithm\":\"sundial\"}", false);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(unknown.body()).contains("cristian", "berkeley", "averaging", "ntp");
        HttpResponse<String> drift = cluster.call(0, "PUT", "/api/time/nodes/time-2/clock", "{\"driftPpm\": 10001}", true);
        assertThat(drift.statusCode()).isEqualTo(400);
        assertThat(drift.body()).contains("10000");
        HttpResponse<String> noToken = cluster.call(0, "PUT", "/api/time/nodes/time-2/clock", "{\"offsetMs\": 5}", false);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(cluster.call(0, "PUT", "/api/time/nodes/time-9/clock", "{\"offsetMs\": 5}", true).statusCode()).isEqualTo(404);
        assertThat(cluster.call(0, "POST", "/api/time/sync", "{\"algorithm\":\"ntp\",\"mode\":\"carrier-pigeon\"}", false).statusCode()).isEqualTo(400);
        assertThat(cluster.call(0, "PUT", "/api/time/sync/schedule", "{\"algorithm\":\"ntp\",\"maxSkewMs\":-1}", true).statusCode()).isEqualTo(400);
        assertThat(cluster.call(0, "PUT", "/api/time/sync/schedule", "{\"algorithm\":\"ntp\",\"maxSkewMs\":5}", false).statusCode()).isEqualTo(401);
        assertThat(cluster.call(0, "DELETE", "/api/time/sync/schedule", null, false).statusCode()).isEqualTo(401);
        assertThat(cluster.call(0, "POST", "/api/time/logical/compare", "{\"a\":{\"time-1\":-1},\"b\":{}}", false).statusCode()).isEqualTo(400);
    }

    @Order(6)
    @Test
    void logicalClocksAndTheirTotalOrder() throws Exception {
        JsonNode now = cluster.json(2, "GET", "/api/time/now", null, false);
        assertThat(now.get("node").asText()).isEqualTo("time-3");
        assertThat(now.get("lamport").asLong()).isPositive();
        JsonNode cmp = cluster.json(0, "POST", "/api/time/logical/compare",
                "{\"a\":{\"time-1\":1},\"b\":{\"time-1\":2,\"time-2\":1}}", false);
        assertThat(cmp.get("relation").asText()).isEqualTo("before");
        JsonNode events = cluster.json(0, "GET", "/api/time/events?limit=50", null, false);
        assertThat(events.size()).isGreaterThan(10);
        for (int i = 1; i < events.size(); i++) {
            JsonNode a = events.get(i - 1), b = events.get(i);
            boolean ordered = a.get("lamport").asLong() < b.get("lamport").asLong()
                    || (a.get("lamport").asLong() == b.get("lamport").asLong() && a.get("node").asText().compareTo(b.get("node").asText()) < 0);
            assertThat(ordered).as("Lamport total order at " + i).isTrue();
        }
    }

    @Order(7)
    @Test
    void metricsAreExposed() throws Exception {
        HttpResponse<String> r = cluster.call(1, "GET", "/actuator/prometheus", null, false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("dsys_clock_offset_seconds{", "dsys_clock_skew_max_seconds{",
                "dsys_time_sync_rounds_total{algorithm=\"berkeley\"", "dsys_time_sync_messages_total{",
                "dsys_time_ntp_packets_total{", "node=\"time-2\"");
    }

    @Order(8)
    @Test
    void aNodeDownIsReportedUnreachableNotAnError() throws Exception {
        cluster.json(2, "POST", "/api/chaos/nodes/time-3/crash", null, true);
        try {
            JsonNode nodes = cluster.json(0, "GET", "/api/time/nodes", null, false);
            assertThat(nodes.get(2).get("node").asText()).isEqualTo("time-3");
            assertThat(nodes.get(2).get("reachable").asBoolean()).isFalse();
            assertThat(nodes.get(1).get("reachable").asBoolean()).isTrue();
        } finally {
            cluster.call(2, "POST", "/api/chaos/nodes/time-3/restart", null, true);
        }
    }
}
