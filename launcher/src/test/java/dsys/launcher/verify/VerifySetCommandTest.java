package dsys.launcher.verify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify set} end to end against a stand-in gateway whose "replicas" are one map updated under one lock (so
 * every read sees the last write): the run must come out valid, with the history, the report and the per-guarantee
 * lines; a stand-in whose kv-3 never moves past a key's first write must come out invalid.
 */
class VerifySetCommandTest {

    private HttpServer server;
    /** key → value (null: deleted) and version counter. */
    private final Map<String, Object[]> store = new HashMap<>();
    /** key → its first write: what kv-3 shows after the heal when it is {@link #stuck}. */
    private final Map<String, Object[]> first = new HashMap<>();
    private long clock;
    private volatile boolean stuck;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/chaos", x -> answer(x, 200, "{}", Map.of()));
        server.createContext("/api/kv/eventual/", this::kv);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void kv(HttpExchange x) throws IOException {
        String key = x.getRequestURI().getPath().substring("/api/kv/eventual/".length());
        String node = x.getRequestHeaders().getFirst("X-Dsys-Node");
        Object[] held = store.getOrDefault(key, new Object[] {null, 0L});
        switch (x.getRequestMethod()) {
            case "PUT", "DELETE" -> {
                String body = x.getRequestMethod().equals("PUT") ? new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) : null;
                held = new Object[] {body, ++clock};
                store.put(key, held);
                if (body != null) first.putIfAbsent(key, held);
                answer(x, 200, "{}", Map.of("ETag", "\"" + held[1] + ".kv-1\"", "X-Dsys-Session", "t" + clock));
            }
            default -> {
                boolean replicaRead = "read=one".equals(x.getRequestURI().getQuery());
                if (stuck && replicaRead && "kv-3".equals(node) && first.containsKey(key)) held = first.get(key);
                Object value = held[0];
                if (value == null) {
                    answer(x, 404, "{\"type\":\"https://dsys.dev/problems/no-such-key\",\"detail\":\"'" + key + "' is not in keyspace 'eventual'"
                            + ((long) held[1] == 0 ? "" : " (deleted at version " + held[1] + ".kv-1)") + "\"}", Map.of());
                } else {
                    answer(x, 200, (String) value, Map.of("ETag", "\"" + held[1] + ".kv-1\"", "X-Dsys-Session", "t" + clock));
                }
            }
        }
    }

    private static void answer(HttpExchange x, int status, String body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> x.getResponseHeaders().add(k, v));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    private int run(Path dir, ByteArrayOutputStream out) throws Exception {
        return VerifyCommand.run(new String[] {"set", "--time", "2", "--concurrency", "4", "--keys", "2", "--nemesis", "none", "--converge-s", "3",
                        "--gateway", "http://127.0.0.1:" + server.getAddress().getPort(), "--root", dir.toString(), "--out", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private static Path runDir(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith("-set")).findFirst().orElseThrow();
        }
    }

    @Test
    void aStoreThatIsAlwaysUpToDateIsValid(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(run(dir, out)).as(out.toString(StandardCharsets.UTF_8)).isZero();
        String console = out.toString(StandardCharsets.UTF_8);
        assertThat(console).contains("set: convergence valid over 3 of 3 replicas and 2 key(s); last writer wins valid; session guarantees valid: 0 violation(s)",
                "read-your-writes: 0 violation(s) with the header", "observed violations without the header: 0", "replicas agree on 2 key(s)");

        Path run = runDir(dir);
        History h = HistoryReader.read(run.resolve("history.jsonl"));
        List<Call> clients = h.calls().stream().filter(c -> !c.process().startsWith(SetWorkload.FINAL)).toList();
        assertThat(clients).isNotEmpty();
        assertThat(clients.stream().filter(c -> c.session() != null)).as("the asking half").isNotEmpty()
                .allMatch(c -> Integer.parseInt(c.process()) % 4 % 2 == 0);
        assertThat(clients.stream().filter(Call::isOk)).allMatch(c -> c.version() != null);
        assertThat(Files.readString(run.resolve("report.html"))).contains("VALID", "observed violations without the header");
    }

    @Test
    void aReplicaStuckOnItsFirstCopyIsInvalid(@TempDir Path dir) throws Exception {
        stuck = true;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = run(dir, out);
        String console = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(console).isEqualTo(1);
        assertThat(console).contains("gave up waiting", "convergence invalid", "last writer wins invalid",
                "real-time order, not judged", "on 0 of them the highest version won");
        assertThat(Files.readString(runDir(dir).resolve("report.html"))).contains("INVALID", "last-writer-wins: key", "holds version",
                "the last writer did not win");
    }
}
