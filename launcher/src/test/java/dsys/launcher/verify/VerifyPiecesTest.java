package dsys.launcher.verify;

import dsys.verifier.Verdict;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifyPiecesTest {

    /** c0 writes 1 (ok), then c1 reads null after that write returned, under a partition window. */
    private static final String STALE = """
            {"process":"nemesis","type":"info","f":"partition","value":{"phase":"start","groups":[["kv-1"],["kv-2","kv-3"]]},"time":1000000000}
            {"process":"0","type":"invoke","f":"write","key":"k","value":1,"time":1100000000}
            {"process":"0","type":"ok","f":"write","key":"k","value":1,"time":1200000000}
            {"process":"1","type":"invoke","f":"read","key":"k","value":null,"time":1300000000}
            {"process":"1","type":"ok","f":"read","key":"k","value":null,"time":1400000000}
            {"process":"nemesis","type":"info","f":"partition","value":{"phase":"stop"},"time":2000000000}
            """;

    @Test
    void optionsTakeBothSpellingsAndRefuseNonsense() {
        RunOptions o = RunOptions.parse(new String[] {"register", "--time", "20", "--nemesis=partition,kill", "--token=t", "--read", "one"});
        assertThat(o.timeS()).isEqualTo(20);
        assertThat(o.faults()).containsExactly(Nemesis.Fault.PARTITION, Nemesis.Fault.KILL);
        assertThat(o.read()).isEqualTo("one");
        assertThat(RunOptions.parse(new String[] {"lock", "--token=t"}).keys()).isEqualTo(1);
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"register", "--nemesis=flood", "--token=t"})).hasMessageContaining("flood");
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"register", "--bogus=1"})).hasMessageContaining("--bogus");
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"register"})).hasMessageContaining("token");
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"lock", "--read=one", "--token=t"})).hasMessageContaining("--read");
        assertThat(o.keyspace()).isEqualTo("default");
        assertThat(RunOptions.parse(new String[] {"cas", "--keyspace=chain", "--token=t"}).keyspace()).isEqualTo("chain");
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"bank", "--keyspace=chain", "--token=t"})).hasMessageContaining("--keyspace");
        RunOptions set = RunOptions.parse(new String[] {"set", "--token=t"});
        assertThat(set.keyspace()).as("set's default keyspace").isEqualTo("eventual");
        assertThat(set.keys()).isEqualTo(5);
        assertThat(RunOptions.parse(new String[] {"set", "--keyspace", "ev2", "--token=t"}).keyspace()).isEqualTo("ev2");
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"set", "--read=one", "--token=t"})).hasMessageContaining("--read");
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"cas", "--keyspace=Bad/Name", "--token=t"})).hasMessageContaining("keyspace name");
    }

    @Test
    void onlyAnswersThatSaySoAreCertainFailures() {
        assertThat(reply(412, "").certainlyNotApplied()).isTrue();
        assertThat(reply(503, problem("quorum-unavailable", "")).certainlyNotApplied()).isTrue();
        assertThat(reply(503, problem("session-guarantee-unavailable", "read-your-writes needs 12.kv-1, holds 9.kv-2")).certainlyNotApplied())
                .as("the replica refused before serving").isTrue();
        assertThat(reply(503, problem("service-unavailable", "kv-service is unavailable: its circuit breaker is open")).certainlyNotApplied()).isTrue();
        assertThat(reply(503, problem("service-unavailable", "the call failed (PrematureCloseException: Connection prematurely closed)")).certainlyNotApplied())
                .as("a connection that broke after the request went out may have been served").isFalse();
        assertThat(reply(504, problem("outcome-unknown", "")).certainlyNotApplied()).isFalse();
        assertThat(reply(503, problem("node-unavailable", "No kv-service instance with node 'kv-2' is registered (X-Dsys-Node); registered: kv-1.")).certainlyNotApplied()).isTrue();
        assertThat(reply(503, problem("node-unavailable", "Node 'kv-2' of kv-service is registered but did not answer (AnnotatedConnectException: Connection refused).")).certainlyNotApplied()).isTrue();
        assertThat(reply(503, problem("node-unavailable", "Node 'kv-2' of kv-service is registered but did not answer (PrematureCloseException: Connection prematurely closed BEFORE response).")).certainlyNotApplied())
                .as("seen live: a put to kv-2 killed mid-request took effect although the gateway said 503").isFalse();
        assertThat(reply(504, problem("gateway-timeout", "")).certainlyNotApplied()).isFalse();
        assertThat(new Gateway.Reply(0, "", Map.of(), "timeout", true).certainlyNotApplied()).isFalse();
        assertThat(new Gateway.Reply(0, "", Map.of(), "connection refused", false).certainlyNotApplied()).isTrue();
    }

    @Test
    void aStaleReadIsReportedWithItsCallsAndTheFaultWindow(@TempDir Path dir) throws Exception {
        History h = HistoryReader.parse(STALE);
        KvWorkload w = new KvWorkload(new Gateway("http://127.0.0.1:1", "t"), false, "one", "r", 1, Duration.ofSeconds(10));
        Judgement j = w.check(h);
        assertThat(j.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(j.exitCode()).isEqualTo(1);
        assertThat(j.findings()).hasSize(1);
        assertThat(j.findings().get(0).indices()).contains(3L); // the read's invoke

        List<Charts.Window> windows = Charts.windows(h, 0);
        assertThat(windows).hasSize(1);
        assertThat(windows.get(0).from()).isEqualTo(1.0);
        assertThat(windows.get(0).to()).isEqualTo(2.0);

        Path file = dir.resolve("report.html");
        RunOptions o = RunOptions.parse(new String[] {"register", "--token=t", "--read=one", "--nemesis=partition"});
        Report.write(file, o, h, j, 0);
        String html = Files.readString(file);
        assertThat(html).contains("INVALID").contains("read null").contains("write 1").contains("stroke=\"#d00000\"")
                .contains("<title>partition").doesNotContain("src=", "href=", "<script").contains("xmlns=\"http://www.w3.org/2000/svg\"");
    }

    @Test
    void theSameHistoryWithoutTheStaleReadIsValid() {
        History h = HistoryReader.parse(STALE.replace("\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":null",
                "\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":1"));
        Judgement j = new KvWorkload(new Gateway("http://127.0.0.1:1", "t"), false, "linearizable", "r", 1, Duration.ofSeconds(10)).check(h);
        assertThat(j.verdict()).isEqualTo(Verdict.VALID);
        assertThat(j.findings()).isEmpty();
    }

    @Test
    void twoOwnersHoldingALockAtOnceAreFound() {
        String lock = """
                {"process":"0","type":"invoke","f":"acquire","key":"L","value":"o0","time":0}
                {"process":"0","type":"ok","f":"acquire","key":"L","value":{"owner":"o0","token":5,"leaseMs":2000},"time":1000000}
                {"process":"1","type":"invoke","f":"acquire","key":"L","value":"o1","time":2000000}
                {"process":"1","type":"ok","f":"acquire","key":"L","value":{"owner":"o1","token":6,"leaseMs":2000},"time":3000000}
                """;
        Judgement j = new LockWorkload(new Gateway("http://127.0.0.1:1", "t"), "r", 1, 2000, 1000).check(HistoryReader.parse(lock));
        assertThat(j.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(j.keys().get("L").verdict()).isEqualTo(Verdict.INVALID);
        assertThat(j.findings().get(0).key()).isEqualTo("L");
        assertThat(j.findings().get(0).indices()).isNotEmpty();
    }

    private static Gateway.Reply reply(int status, String body) {
        return new Gateway.Reply(status, body, Map.of(), null, true);
    }

    private static String problem(String type, String detail) {
        return "{\"type\":\"https://dsys.dev/problems/" + type + "\",\"detail\":\"" + detail + "\"}";
    }
}
