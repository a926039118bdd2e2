package dsys.launcher.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.verifier.Verdict;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryReader;
import dsys.verifier.history.OpType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BankWorkloadTest {

    /** Accounts r-acct-0 and r-acct-1 opened; a transfer, a snapshot, an unknown transfer; after a kill, the final read. */
    private static final String RUN = """
            {"process":"setup.0","type":"invoke","f":"open","key":"bank","value":{"account":"r-acct-0","balance":100},"time":0}
            {"process":"setup.0","type":"ok","f":"open","key":"bank","value":{"account":"r-acct-0","balance":100},"time":10000000}
            {"process":"setup.1","type":"invoke","f":"open","key":"bank","value":{"account":"r-acct-1","balance":100},"time":20000000}
            {"process":"setup.1","type":"ok","f":"open","key":"bank","value":{"account":"r-acct-1","balance":100},"time":30000000}
            {"process":"0","type":"invoke","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":5},"time":100000000}
            {"process":"0","type":"ok","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":5},"time":200000000}
            {"process":"1","type":"invoke","f":"read","key":"bank","value":null,"time":300000000}
            {"process":"1","type":"ok","f":"read","key":"bank","value":{"r-acct-0":95,"r-acct-1":105},"time":400000000}
            {"process":"nemesis","type":"info","f":"kill","value":{"phase":"start","node":"txn-1"},"time":500000000}
            {"process":"0","type":"invoke","f":"transfer","key":"bank","value":{"from":"r-acct-1","to":"r-acct-0","amount":2},"time":600000000}
            {"process":"0","type":"info","f":"transfer","key":"bank","value":{"from":"r-acct-1","to":"r-acct-0","amount":2},"error":"504 gateway-timeout","time":700000000}
            {"process":"nemesis","type":"info","f":"kill","value":{"phase":"stop","node":"txn-1"},"time":1500000000}
            {"process":"final","type":"invoke","f":"read","key":"bank","value":null,"time":2000000000}
            {"process":"final","type":"fail","f":"read","key":"bank","value":null,"error":"aborted: lock-refused","time":2100000000}
            {"process":"final","type":"invoke","f":"read","key":"bank","value":null,"time":2300000000}
            {"process":"final","type":"ok","f":"read","key":"bank","value":{"r-acct-0":97,"r-acct-1":103},"time":2500000000}
            """;

    private static BankWorkload bank() {
        return new BankWorkload(new Gateway("http://127.0.0.1:1", "t"), "2pc", "r", 2);
    }

    @Test
    void bodiesAreTheTxnApisTransferAndSnapshot() throws Exception {
        JsonNode t = Gateway.JSON.readTree(BankWorkload.transferBody("3pc", "a", "b", 4));
        assertThat(t.path("protocol").asText()).isEqualTo("3pc");
        assertThat(t.path("timeoutMs").asLong()).isEqualTo(5000);
        assertThat(t.path("operations").toString()).isEqualTo("[{\"key\":\"a\",\"op\":\"add\",\"value\":\"-4\"},{\"key\":\"b\",\"op\":\"add\",\"value\":\"4\"}]");
        JsonNode s = Gateway.JSON.readTree(BankWorkload.snapshotBody("2pc", List.of("a", "b", "c")));
        assertThat(s.path("operations").toString()).isEqualTo("[{\"key\":\"a\",\"op\":\"get\"},{\"key\":\"b\",\"op\":\"get\"},{\"key\":\"c\",\"op\":\"get\"}]");
    }

    @Test
    void committedIsOkWithItsReads() {
        BankWorkload.Answer a = BankWorkload.answer(reply(200, """
                {"txnId":"txn-1-1-7","outcome":"committed","reason":null,"participants":["kv-1","kv-3"],
                 "reads":[{"keyspace":"default","key":"a","value":"95","version":"12.kv-1"},{"key":"b","value":null,"version":null},
                          {"keyspace":"default","key":"c","value":"x1","version":"3.kv-3"},{"keyspace":"other","key":"a","value":"1"}]}"""));
        assertThat(a.type()).isEqualTo(OpType.OK);
        assertThat(a.reads()).containsOnlyKeys("a", "b", "c").containsEntry("a", 95L).containsEntry("b", null).containsEntry("c", "x1");
        assertThat(a.reads().keySet()).containsExactly("a", "b", "c");
        // A transfer's answer has no reads: not a snapshot.
        assertThat(BankWorkload.answer(reply(200, "{\"outcome\":\"committed\"}")).reads()).isNull();
    }

    @Test
    void abortedIsAFailAndUndecidedIsUnknown() {
        BankWorkload.Answer aborted = BankWorkload.answer(reply(200, "{\"outcome\":\"aborted\",\"reason\":\"kv-2 voted vote-abort: r-acct-1 holds 3, cannot add -5\"}"));
        assertThat(aborted.type()).isEqualTo(OpType.FAIL);
        assertThat(aborted.why()).isEqualTo("aborted: kv-2 voted vote-abort: r-acct-1 holds 3, cannot add -5");
        assertThat(BankWorkload.answer(reply(504, problem("timeout", "no decision within 5000 ms"))).type()).isEqualTo(OpType.INFO);
        assertThat(BankWorkload.answer(reply(504, problem("gateway-timeout", ""))).type()).isEqualTo(OpType.INFO);
        assertThat(BankWorkload.answer(reply(409, problem("conflict", "held by txn-1-1-3"))).type()).as("409 says nothing of this one").isEqualTo(OpType.INFO);
        assertThat(BankWorkload.answer(reply(500, "")).type()).isEqualTo(OpType.INFO);
        assertThat(BankWorkload.answer(reply(200, "{}")).type()).isEqualTo(OpType.INFO);
        assertThat(BankWorkload.answer(reply(200, "not json")).type()).isEqualTo(OpType.INFO);
        assertThat(BankWorkload.answer(new Gateway.Reply(0, "", Map.of(), "timeout after 35000 ms", true)).type()).isEqualTo(OpType.INFO);
    }

    @Test
    void answersThatSayNothingWasSentAreFails() {
        assertThat(BankWorkload.answer(reply(400, problem("bad-request", "operations is empty"))).type()).isEqualTo(OpType.FAIL);
        // txn-1 killed: the gateway has no instance, or the connection is refused.
        BankWorkload.Answer down = BankWorkload.answer(reply(503, problem("service-unavailable", "txn-coordinator is unavailable: no instance is registered")));
        assertThat(down.type()).isEqualTo(OpType.FAIL);
        assertThat(down.busy()).isTrue();
        assertThat(BankWorkload.answer(new Gateway.Reply(0, "", Map.of(), "connection refused", false)).type()).isEqualTo(OpType.FAIL);
        assertThat(BankWorkload.answer(reply(503, problem("node-crashed", "txn-1 is crashed"))).type()).isEqualTo(OpType.FAIL);
    }

    @Test
    void refusedTransfersAreCountedByCause() {
        String fails = """
                {"process":"2","type":"invoke","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":1},"time":800000000}
                {"process":"2","type":"fail","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":1},"error":"aborted: kv-2 voted vote-abort: default/r-acct-0: 'r-acct-0' is locked by transaction txn-1-3-9 (it read it) until that transaction commits or aborts; retry then","time":810000000}
                {"process":"2","type":"invoke","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":1},"time":820000000}
                {"process":"2","type":"fail","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":1},"error":"aborted: no vote from [kv-1] within 2000 ms","time":830000000}
                {"process":"2","type":"invoke","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":500},"time":840000000}
                {"process":"2","type":"fail","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":500},"error":"aborted: kv-1 voted vote-abort: default/r-acct-0: r-acct-0 holds 95, cannot add -500","time":850000000}
                {"process":"2","type":"invoke","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":1},"time":860000000}
                {"process":"2","type":"fail","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":1},"error":"503 node-crashed: txn-1 is crashed","time":870000000}
                {"process":"2","type":"invoke","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":1},"time":880000000}
                {"process":"2","type":"fail","f":"transfer","key":"bank","value":{"from":"r-acct-0","to":"r-acct-1","amount":1},"error":"aborted: kv-2 voted vote-abort: default/r-acct-1: 'r-acct-1' is locked by transaction txn-1-3-12 (it will write it) until that transaction commits or aborts; retry then","time":890000000}
                """;
        History h = HistoryReader.parse(RUN + fails);
        assertThat(BankWorkload.refusals(h)).isEqualTo("; transfers refused: 2 lock conflicts (wait-die), 1 vote timeouts, 1 overdrafts, 1 unavailable");
        assertThat(bank().check(h).summary()).endsWith("transfers refused: 2 lock conflicts (wait-die), 1 vote timeouts, 1 overdrafts, 1 unavailable");
        assertThat(BankWorkload.refusals(HistoryReader.parse(RUN))).as("none refused").isEmpty();
    }

    @Test
    void aRecordedRunIsJudgedWithTheWaitAfterHealing(@TempDir Path dir) throws Exception {
        History h = HistoryReader.parse(RUN);
        Judgement j = bank().check(h);
        assertThat(j.verdict()).isEqualTo(Verdict.VALID);
        assertThat(j.exitCode()).isZero();
        assertThat(j.summary()).contains("transfers 1 ok / 0 fail / 1 info", "total 200",
                "after healing the final read committed in 0.50 s (attempt 2)");
        assertThat(j.keys()).containsOnlyKeys("r-acct-0", "r-acct-1");
        assertThat(j.keys().get("r-acct-0").search()).isEqualTo("final 97, transfers allow 95..97; 1 ok, net -5");

        Path file = dir.resolve("report.html");
        RunOptions o = RunOptions.parse(new String[] {"bank", "--token=t", "--keys=2", "--nemesis=kill"});
        Report.write(file, o, h, j, 0);
        String html = Files.readString(file);
        assertThat(html).contains("VALID", "2 account(s), POST /api/txn under 2pc", "Per account", "Snapshots",
                "total of each committed snapshot read", "balance of each account", "<polyline").doesNotContain("<script", "./platform check bank");
    }

    @Test
    void aLostTransferIsFoundAndDrawn(@TempDir Path dir) throws Exception {
        History h = HistoryReader.parse(RUN.replace("{\"r-acct-0\":95,\"r-acct-1\":105}", "{\"r-acct-0\":95,\"r-acct-1\":100}"));
        Judgement j = bank().check(h);
        assertThat(j.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(j.exitCode()).isEqualTo(1);
        assertThat(j.findings()).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo(BankWorkload.KEY);
            assertThat(f.text()).contains("read at index 6", "total 195, not 2 × 100 = 200");
            assertThat(f.indices()).containsExactly(6L);
        });
        Path file = dir.resolve("report.html");
        Report.write(file, RunOptions.parse(new String[] {"bank", "--token=t", "--keys=2"}), h, j, 0);
        assertThat(Files.readString(file)).contains("INVALID", "stroke=\"#d00000\"", "read Σ 195", "fill=\"#d03030\"");
        assertThat(Timeline.label(h.calls().get(2))).isEqualTo("transfer 5 #0→#1");
    }

    @Test
    void noCommittedReadIsUnknown() {
        String noReads = RUN.lines().filter(l -> !l.contains("\"f\":\"read\"")).reduce("", (a, b) -> a + b + "\n");
        Judgement j = bank().check(HistoryReader.parse(noReads));
        assertThat(j.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(j.exitCode()).isEqualTo(2);
        assertThat(j.summary()).contains("nothing was judged");
    }

    @Test
    void optionsForBank() {
        RunOptions o = RunOptions.parse(new String[] {"bank", "--token=t", "--protocol", "3pc"});
        assertThat(o.keys()).isEqualTo(5);
        assertThat(o.protocol()).isEqualTo("3pc");
        assertThat(o.unit()).isEqualTo("account");
        assertThat(RunOptions.parse(new String[] {"bank", "--token=t"}).protocol()).isEqualTo("2pc");
        assertThat(RunOptions.parse(new String[] {"register", "--token=t"}).keys()).isEqualTo(3);
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"bank", "--token=t", "--protocol=paxos"})).hasMessageContaining("2pc or 3pc");
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"register", "--token=t", "--protocol=3pc"})).hasMessageContaining("applies to bank");
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"bank", "--token=t", "--keys=1"})).hasMessageContaining("two accounts");
        assertThatThrownBy(() -> RunOptions.parse(new String[] {"bank", "--token=t", "--read=one"})).hasMessageContaining("--read");
        assertThat(bank().nodes()).contains("txn-1", "kv-1", "kv-2", "kv-3");
    }

    private static Gateway.Reply reply(int status, String body) {
        return new Gateway.Reply(status, body, Map.of(), null, true);
    }

    private static String problem(String type, String detail) {
        return "{\"type\":\"https://dsys.dev/problems/" + type + "\",\"detail\":\"" + detail + "\"}";
    }
}
