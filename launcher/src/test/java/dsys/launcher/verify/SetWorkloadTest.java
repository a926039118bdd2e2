package dsys.launcher.verify;

import dsys.verifier.Verdict;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SetWorkloadTest {

    private static final List<String> NODES = List.of("kv-1", "kv-2", "kv-3");

    /**
     * Session 0 (asking) writes 1 to k, reads it back, deletes it; process 1 (not asking) writes 2 to j; after the
     * heal every replica has j = 2 and no k. FINALS is appended with the replicas' copies.
     */
    private static final String RUN = """
            {"process":"0","node":"kv-1","session":"0","type":"invoke","f":"write","key":"k","value":1}
            {"process":"0","node":"kv-1","session":"0","type":"ok","f":"write","key":"k","value":1,"version":"10.kv-1"}
            {"process":"0","node":"kv-2","session":"0","type":"invoke","f":"read","key":"k","value":null}
            {"process":"0","node":"kv-2","session":"0","type":"ok","f":"read","key":"k","value":1,"version":"10.kv-1"}
            {"process":"0","node":"kv-3","session":"0","type":"invoke","f":"delete","key":"k","value":null}
            {"process":"0","node":"kv-3","session":"0","type":"ok","f":"delete","key":"k","value":null,"version":"11.kv-3"}
            {"process":"1","node":"kv-2","type":"invoke","f":"write","key":"j","value":2}
            {"process":"1","node":"kv-2","type":"ok","f":"write","key":"j","value":2,"version":"12.kv-2"}
            """;

    private static String finals(Object k1, Object k2, Object k3) {
        StringBuilder b = new StringBuilder();
        Object[] ks = {k1, k2, k3};
        for (int i = 0; i < 3; i++) {
            String p = SetWorkload.FINAL + NODES.get(i);
            for (String key : List.of("j", "k")) {
                Object v = key.equals("j") ? 2 : ks[i];
                b.append("{\"process\":\"").append(p).append("\",\"node\":\"").append(NODES.get(i)).append("\",\"type\":\"invoke\",\"f\":\"read\",\"key\":\"")
                        .append(key).append("\",\"value\":null}\n");
                if ("down".equals(v)) {
                    b.append("{\"process\":\"").append(p).append("\",\"type\":\"fail\",\"f\":\"read\",\"key\":\"").append(key)
                            .append("\",\"value\":null,\"error\":\"503 node-unavailable\"}\n");
                } else {
                    b.append("{\"process\":\"").append(p).append("\",\"type\":\"ok\",\"f\":\"read\",\"key\":\"").append(key)
                            .append("\",\"value\":").append(v).append("}\n");
                }
            }
        }
        return b.toString();
    }

    private static Judgement judge(String jsonl) {
        return SetJudgement.judge(HistoryReader.parse(jsonl), NODES);
    }

    @Test
    void convergedReplicasAndKeptGuaranteesAreValid() {
        Judgement j = judge(RUN + finals(null, null, null));
        assertThat(j.verdict()).isEqualTo(Verdict.VALID);
        assertThat(j.exitCode()).isZero();
        assertThat(j.findings()).isEmpty();
        assertThat(j.keys().get("j").search()).isEqualTo("replicas: kv-1=2 kv-2=2 kv-3=2");
        assertThat(j.summary()).contains("convergence valid over 3 of 3 replicas", "0 violation(s) among 1 session(s)", "4 calls with versions");
        assertThat(j.notes()).hasSize(4).first().asString()
                .isEqualTo("read-your-writes: 0 violation(s) with the header (1 sessions); observed violations without the header: 0 (1 sessions)");
    }

    @Test
    void aResurrectedKeyIsInvalid() {
        Judgement j = judge(RUN + finals(null, 1, null));
        assertThat(j.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(j.exitCode()).isEqualTo(1);
        assertThat(j.keys().get("k").verdict()).isEqualTo(Verdict.INVALID);
        assertThat(j.keys().get("j").verdict()).isEqualTo(Verdict.VALID);
        assertThat(j.findings()).anySatisfy(f -> assertThat(f.text()).contains("kv-1 holds null but kv-2 holds 1"));
        // in real time the write returned before the delete began: noted (the versions decide, and here they diverge)
        assertThat(j.notes()).anySatisfy(n -> assertThat(n).startsWith("real-time: key k:").contains("kv-2 holds 1", "resurrected"));
    }

    @Test
    void aSessionThatAskedAndReadAnOldVersionIsInvalidOneThatDidNotIsOnlyCounted() {
        String staleRead = """
                {"process":"0","node":"kv-1","session":"0","type":"invoke","f":"read","key":"j","value":null}
                {"process":"0","node":"kv-1","session":"0","type":"ok","f":"read","key":"j","value":2,"version":"12.kv-2"}
                {"process":"0","node":"kv-3","session":"0","type":"invoke","f":"read","key":"j","value":null}
                {"process":"0","node":"kv-3","session":"0","type":"ok","f":"read","key":"j","value":null,"version":"0."}
                """;
        Judgement asked = judge(RUN + staleRead + finals(null, null, null));
        assertThat(asked.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(asked.findings()).singleElement().satisfies(f -> {
            assertThat(f.text()).startsWith("monotonic-reads violated: session 0, key j");
            assertThat(f.indices()).containsExactly(8L, 10L);
        });
        assertThat(asked.notes()).contains("monotonic-reads: 1 violation(s) with the header (1 sessions); observed violations without the header: 0 (1 sessions)");

        Judgement without = judge(RUN + staleRead.replace(",\"session\":\"0\"", "") + finals(null, null, null));
        assertThat(without.verdict()).isEqualTo(Verdict.VALID);
        assertThat(without.notes()).anySatisfy(n -> assertThat(n).startsWith("monotonic-reads: 0 violation(s)")
                .endsWith("observed violations without the header: 1 (2 sessions)"));
    }

    /** Every replica holds j = {@code j} at version {@code version}, and no k (deleted at 11.kv-3). */
    private static String agreed(Object j, String version) {
        StringBuilder b = new StringBuilder();
        for (String n : NODES) {
            String p = "\"process\":\"" + SetWorkload.FINAL + n + "\",\"node\":\"" + n + "\"";
            b.append("{").append(p).append(",\"type\":\"invoke\",\"f\":\"read\",\"key\":\"j\",\"value\":null}\n")
                    .append("{").append(p).append(",\"type\":\"ok\",\"f\":\"read\",\"key\":\"j\",\"value\":").append(j)
                    .append(",\"version\":\"").append(version).append("\"}\n")
                    .append("{").append(p).append(",\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"value\":null}\n")
                    .append("{").append(p).append(",\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"version\":\"11.kv-3\"}\n");
        }
        return b.toString();
    }

    /** After RUN, process 2 writes j = 3 at kv-3, which had not heard of j = 2: a lower Lamport time. */
    private static final String LATER_LOWER = """
            {"process":"2","node":"kv-3","type":"invoke","f":"write","key":"j","value":3}
            {"process":"2","node":"kv-3","type":"ok","f":"write","key":"j","value":3,"version":"11.kv-3"}
            """;

    @Test
    void aRealTimeLossThatTheVersionsExplainIsValidAndNoted() {
        Judgement j = judge(RUN + LATER_LOWER + agreed(2, "12.kv-2"));
        assertThat(j.verdict()).isEqualTo(Verdict.VALID);
        assertThat(j.summary()).contains("convergence valid", "last writer wins valid");
        assertThat(j.findings()).isEmpty();
        assertThat(j.notes().get(0)).startsWith("real-time order, not judged: ").contains("on 1 of them the highest version won");
        assertThat(j.notes().get(1)).startsWith("real-time: key j:").contains("was lost", "#8 2 write j 3");
    }

    @Test
    void replicasKeepingALowerVersionThanAnAcknowledgedWriteAreInvalid() {
        Judgement j = judge(RUN + LATER_LOWER + agreed(3, "11.kv-3"));
        assertThat(j.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(j.summary()).contains("convergence valid", "last writer wins invalid");
        assertThat(j.findings()).hasSize(3).allSatisfy(f -> assertThat(f.text()).startsWith("last-writer-wins: key j:")
                .contains("holds version 11.kv-3, below the acknowledged #6 1 write j 2"));
        assertThat(j.notes()).noneMatch(n -> n.startsWith("real-time"));
        assertThat(judge(RUN + agreed(2, "12.kv-2")).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void aReplicaThatNeverAnsweredMakesItUnknownNotInvalid() {
        Judgement j = judge(RUN + finals(null, null, "down"));
        assertThat(j.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(j.exitCode()).isEqualTo(2);
        assertThat(j.summary()).contains("over 2 of 3 replicas");
        assertThat(j.findings()).extracting(Judgement.Finding::text).anySatisfy(t -> assertThat(t).contains("kv-3 gave no copy", "503 node-unavailable"));
    }

    @Test
    void aNotFoundReadsAsItsDeathCertificate() {
        assertThat(SetWorkload.deletedAt("'r-1' is not in keyspace 'eventual' (deleted at version 1712.kv-2)")).isEqualTo("1712.kv-2");
        assertThat(SetWorkload.deletedAt("'r-1' is not in keyspace 'eventual'")).isEqualTo("0.");
    }

    @Test
    void halfTheClientSlotsAskForTheGuarantees() {
        SetWorkload w = new SetWorkload(new Gateway("http://127.0.0.1:1", "t"), "eventual", "r", 5, 4, Duration.ofSeconds(1),
                new PrintStream(PrintStream.nullOutputStream()));
        assertThat(List.of("0", "1", "2", "3").stream().filter(w::asks)).containsExactly("0", "2");
        assertThat(w.asks("4")).as("slot 0's next process, after an unknown outcome").isTrue();
        assertThat(w.asks("5")).isFalse();
    }

    @Test
    void theReportShowsTheVerdictAndThePerGuaranteeLines(@TempDir Path dir) throws Exception {
        History h = HistoryReader.parse(RUN + finals(null, 1, null));
        Judgement j = SetJudgement.judge(h, NODES);
        RunOptions o = RunOptions.parse(new String[] {"set", "--token=t", "--nemesis=partition"});
        Path file = dir.resolve("report.html");
        Report.write(file, o, h, j, 0);
        assertThat(Files.readString(file)).contains("INVALID", "resurrected", "observed violations without the header",
                "keyspace eventual", "copies after the heal");
    }
}
