package dsys.verifier.cli;

import dsys.verifier.gen.RandomHistories;
import dsys.verifier.gen.RandomJournals;
import dsys.verifier.history.HistoryWriter;
import dsys.verifier.journal.JournalWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class VerifierCliTest {
    @TempDir
    Path dir;

    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = VerifierCli.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private String file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p.toString();
    }

    private static final String STALE = """
            {"process":"p1","type":"invoke","f":"write","key":"x","value":1}
            {"process":"p2","type":"invoke","f":"read","key":"x"}
            {"process":"p2","type":"ok","f":"read","key":"x","value":1}
            {"process":"p3","type":"invoke","f":"read","key":"x"}
            {"process":"p3","type":"ok","f":"read","key":"x","value":null}
            {"process":"p1","type":"ok","f":"write","key":"x","value":1}
            """;

    @Test
    void validHistoryExitsZero() throws IOException {
        String h = file("ok.jsonl", STALE.replace("\"value\":null", "\"value\":1"));
        assertThat(run("check", "register", h)).isZero();
        assertThat(out).startsWith("valid (register, 3 calls, 1 key");
        assertThat(err).isEmpty();
    }

    @Test
    void invalidHistoryExitsOneWithACounterexample() throws IOException {
        assertThat(run("check", "register", file("bad.jsonl", STALE))).isEqualTo(1);
        assertThat(out).startsWith("invalid").contains("the state is 1", "p3 read x -> ok null   <- must take effect");
    }

    @Test
    void exhaustedBudgetExitsTwo() throws IOException {
        StringBuilder h = new StringBuilder();
        RandomHistories.register(3, 3000, 1, 20, 0).ops()
                .forEach(op -> h.append(HistoryWriter.toJson(op)).append('\n'));
        assertThat(run("check", "register", file("big.jsonl", h.toString()), "--budget-ms", "0")).isEqualTo(2);
        assertThat(out).startsWith("unknown").contains("budget exhausted");
    }

    @Test
    void malformedLineIsAnErrorNamingLineAndFieldAndNoVerdict() throws IOException {
        String h = file("broken.jsonl", STALE.replace("\"type\":\"ok\",\"f\":\"read\",\"key\":\"x\",\"value\":null", "\"type\":\"done\",\"f\":\"read\""));
        assertThat(run("check", "register", h)).isEqualTo(2);
        assertThat(out).isEmpty();
        assertThat(err).contains("line 5: field \"type\"", "\"done\"").doesNotContain("valid");
    }

    @Test
    void valueThatDoesNotFitTheModelIsAnErrorNamingLineAndField() throws IOException {
        String h = file("cas.jsonl", """
                {"process":"p1","type":"invoke","f":"write","key":"x","value":1}
                {"process":"p1","type":"ok","f":"write","key":"x","value":1}
                {"process":"p1","type":"invoke","f":"cas","key":"x","value":5}
                {"process":"p1","type":"ok","f":"cas","key":"x","value":5}
                """);
        assertThat(run("check", "cas-register", h)).isEqualTo(2);
        assertThat(out).isEmpty();
        assertThat(err).contains("line 3: field \"value\": cas expects [expected, new]");
    }

    @Test
    void consistencyModelsAndClassification() throws IOException {
        String h = file("seq.jsonl", STALE);
        assertThat(run("check", "sequential", h)).isZero();
        assertThat(run("check", "linearizable", h)).isEqualTo(1);
        assertThat(out).contains("no legal order of all ops respects real time");
        assertThat(run("classify", h)).isZero();
        assertThat(out).contains("strongest data-centric model: sequential", "causal               yes");
    }

    @Test
    void lockAndLogicalChecks() throws IOException {
        String locks = file("locks.jsonl", """
                {"process":"a","type":"invoke","f":"acquire","key":"l"}
                {"process":"a","type":"ok","f":"acquire","key":"l","value":{"owner":"a","token":2}}
                {"process":"b","type":"invoke","f":"acquire","key":"l"}
                {"process":"b","type":"ok","f":"acquire","key":"l","value":{"owner":"b","token":1}}
                """);
        assertThat(run("check", "lock", locks)).isEqualTo(1);
        assertThat(out).contains("both held it", "smaller token");
        StringWriter journal = new StringWriter();
        JournalWriter.write(RandomJournals.generate(1, 3, 20, 0.1), journal);
        assertThat(run("check", "logical", file("j.jsonl", journal.toString()))).isZero();
    }

    @Test
    void diagramWritesAnSvg() throws IOException {
        StringWriter journal = new StringWriter();
        JournalWriter.write(RandomJournals.generate(2, 3, 10, 0), journal);
        Path svg = dir.resolve("out.svg");
        assertThat(run("diagram", file("j.jsonl", journal.toString()), "-o", svg.toString())).isZero();
        assertThat(out).contains("20 events, 10 messages");
        assertThat(Files.readString(svg)).startsWith("<svg").contains("j.jsonl");
        assertThat(run("diagram", file("bad.jsonl", "{\"event\":\"send\"}"), "-o", svg.toString())).isEqualTo(2);
        assertThat(err).contains("line 1: field \"node\": is required");
    }

    @Test
    void usageErrors() {
        assertThat(run()).isEqualTo(2);
        assertThat(err).contains("no command", "usage:");
        assertThat(run("check", "register")).isEqualTo(2);
        assertThat(run("check", "frobnicate", dir.resolve("x").toString())).isEqualTo(2);
        assertThat(err).contains("unknown model frobnicate", "usage:");
        assertThat(run("check", "register", dir.resolve("missing.jsonl").toString())).isEqualTo(2);
        assertThat(err).contains("no such file");
        assertThat(run("bench", "--ops", "many")).isEqualTo(2);
        assertThat(err).contains("--ops expects an integer");
        assertThat(run("help")).isZero();
        assertThat(out).contains("check MODEL FILE");
        assertThat(run("bench", "--ops", "200", "--keys", "2", "--processes", "3")).isZero();
        assertThat(out).contains("generated 200 ops", "run 1: valid in", "(200 ops, 2 keys, ", " configurations, ");
    }
}
