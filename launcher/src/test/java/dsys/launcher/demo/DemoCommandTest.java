package dsys.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code demo} without a platform: the listing, the refusals (exit 2), and the byzantine demo against a stub gateway
 * that answers what the live service answered (recorded in src/test/resources/demo/) — exit 0 — or, once, a wrong
 * answer — exit 1, the failed check named.
 */
class DemoCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private int demo(String... args) {
        return DemoCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aloneItListsEveryDemo() {
        assertThat(demo()).isZero();
        assertThat(out()).contains("clocks", "mutex", "election", "byzantine", "kv-quorum", "kv-primary-backup", "kv-chain",
                "kv-active", "kv-eventual", "commit", "checkpoints");
        for (String built : List.of("kv-primary-backup", "kv-active", "kv-eventual")) {
            assertThat(out()).containsPattern(built + " .*— notes ").doesNotContainPattern(built + " .*\\n.*not built yet");
        }
    }

    @Test
    void usageErrorsExit2() throws IOException {
        assertThat(demo("no-such-demo", "--token=t")).isEqualTo(2);
        assertThat(demo("byzantine", "--algorithms=x", "--token=t")).isEqualTo(2);
        assertThat(err()).contains("no demo named 'no-such-demo'", "unknown option --algorithms");
        assertThat(demo("byzantine")).isEqualTo(2);
        assertThat(err()).contains("--token is needed");
        assertThat(demo("clocks", "--algorithms=sundial", "--token=t", "--gateway=" + stub(body -> null))).isEqualTo(2);
        assertThat(err()).contains("--algorithms takes cristian,berkeley,averaging,ntp, not sundial");
    }

    @Test
    void noPlatformExits2() throws IOException {
        String dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = "http://127.0.0.1:" + s.getLocalPort();
        }
        assertThat(demo("byzantine", "--token=t", "--gateway=" + dead)).isEqualTo(2);
        assertThat(err()).contains("is the platform up");
    }

    @Test
    void theByzantineDemoPassesOnWhatTheServiceAnswers() throws IOException {
        List<String> asked = new ArrayList<>();
        String gw = stub(body -> {
            asked.add(body);
            return recorded(body);
        });
        assertThat(demo("byzantine", "--token=t", "--gateway=" + gw)).as(out()).isZero();
        assertThat(out()).contains("容错 §4.2.2", "(1, 2, UNKNOWN, 4)", "agreement possible: false", "126 messages",
                "console: " + gw + "/ → the space-time diagram", "demo byzantine: 6 checks, every one as narrated")
                .doesNotContain("✗");
        assertThat(asked).hasSize(4);
    }

    @Test
    void aServiceThatMisbehavesFailsTheDemoWithExit1() throws IOException {
        // m + 1 rounds answered like two rounds: the loyal generals disagree where the narration says they agree.
        String gw = stub(body -> recorded(body.contains("\"rounds\":3") ? body.replace("\"rounds\":3", "\"rounds\":2") : body));
        assertThat(demo("byzantine", "--token=t", "--gateway=" + gw)).isEqualTo(1);
        assertThat(out()).contains("✗ with m + 1 = 3 rounds every loyal general computes the same vector",
                "demo byzantine: ✗ 1 of 6 checks not as narrated");
    }

    @Test
    void theKvModeDemosStopWhenTheKeyspaceClaimsAnotherModel() throws IOException {
        // a platform whose active keyspace claims to be linearizable and whose eventual one has two replicas
        String gw = stub(body -> "{\"agreed\":true,\"keyspaces\":[{\"name\":\"active\",\"mode\":\"active\","
                + "\"replicas\":[\"kv-1\",\"kv-2\",\"kv-3\"],\"consistency\":\"linearizable\"},{\"name\":\"eventual\","
                + "\"mode\":\"eventual\",\"replicas\":[\"kv-1\",\"kv-2\"],\"consistency\":\"eventual\"}]}");
        assertThat(demo("kv-active", "--token=t", "--gateway=" + gw)).isEqualTo(1);
        assertThat(out()).contains("✗ keyspace active: mode active, claims linearizable, replicas [kv-1, kv-2, kv-3]",
                "demo kv-active: ✗ 1 of 1 checks not as narrated");
        assertThat(demo("kv-eventual", "--token=t", "--gateway=" + gw)).isEqualTo(1);
        assertThat(out()).contains("✗ keyspace eventual: mode eventual, claims eventual, replicas [kv-1, kv-2]");
    }

    /** The live service's answer to the agreement this body asks for. */
    private static String recorded(String body) {
        String file = body.contains("letters") ? "figure" : body.contains("lock-1") ? "nodes"
                : body.contains("\"rounds\":2") ? "seven-2" : "seven-3";
        try (InputStream in = DemoCommandTest.class.getResourceAsStream("/demo/byzantine-" + file + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A gateway on a loopback port: GET /api/chaos answers (the probe), POST bodies go to {@code answer}. */
    private String stub(Function<String, String> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String reply = exchange.getRequestURI().getPath().equals("/api/chaos") ? "{\"nodes\":{}}" : answer.apply(body);
            byte[] bytes = (reply == null ? "{}" : reply).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void faultsAreUndoneNewestFirstOnceAndNoneIsMadeAfterHealingBegan() {
        List<String> undone = new ArrayList<>();
        Faults faults = new Faults();
        Faults.Fault first = faults.make("first", null, () -> undone.add("first"));
        faults.make("second", null, () -> undone.add("second"));
        faults.make("third", null, () -> {
            throw new IllegalStateException("node did not come back");
        });
        first.heal();
        first.heal();
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        assertThat(faults.healAll(new PrintStream(report, true, StandardCharsets.UTF_8), true)).containsExactly("second");
        assertThat(undone).containsExactly("first", "second");
        assertThat(report.toString(StandardCharsets.UTF_8)).contains("could not undo third: node did not come back");
        assertThat(faults.anyOpen()).isFalse();
        assertThatThrownBy(() -> faults.make("late", null, () -> undone.add("late"))).isInstanceOf(Faults.Closed.class);
    }
}
