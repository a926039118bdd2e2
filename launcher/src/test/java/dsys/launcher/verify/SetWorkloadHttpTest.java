package dsys.launcher.verify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dsys.verifier.Verdict;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The set workload against a stand-in gateway with three replicas of one key that never replicate on their own:
 * what the clients send and record, and the read-back after the heal, which waits for the replicas to agree (the
 * stand-in copies the newest version everywhere once the first round has seen them differ).
 */
class SetWorkloadHttpTest {

    private record Held(String value, long counter, String node) {
    }

    private HttpServer server;
    private final Map<String, Held> replicas = new HashMap<>();
    /** The last write anywhere: what anti-entropy spreads. */
    private Held newest;
    private final List<Map<String, String>> requests = new ArrayList<>();
    private long clock;
    private int finalReads;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/kv/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange x) throws IOException {
        String node = x.getRequestHeaders().getFirst("X-Dsys-Node");
        Map<String, String> seen = new HashMap<>();
        seen.put("method", x.getRequestMethod());
        for (String h : List.of("X-Dsys-Guarantees", "X-Dsys-Session")) {
            if (x.getRequestHeaders().getFirst(h) != null) seen.put(h, x.getRequestHeaders().getFirst(h));
        }
        boolean replicaRead = "read=one".equals(x.getRequestURI().getQuery());
        if (!replicaRead) requests.add(seen);
        else if (++finalReads == 4) { // the second round: anti-entropy has run
            for (String n : List.of("kv-1", "kv-2", "kv-3")) replicas.put(n, newest);
        }
        byte[] body;
        int status = 200;
        Held h = replicas.getOrDefault(node, new Held(null, 0, ""));
        switch (x.getRequestMethod()) {
            case "PUT" -> {
                h = new Held(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), ++clock, node);
                replicas.put(node, h);
                newest = h;
                body = "{}".getBytes();
            }
            case "DELETE" -> {
                h = new Held(null, ++clock, node);
                replicas.put(node, h);
                newest = h;
                body = "{}".getBytes();
            }
            default -> {
                if (h.value() == null) {
                    status = 404;
                    body = ("{\"type\":\"https://dsys.dev/problems/no-such-key\",\"detail\":\"'k' is not in keyspace 'eventual'"
                            + (h.counter() == 0 ? "" : " (deleted at version " + h.counter() + "." + h.node() + ")") + "\"}").getBytes();
                } else {
                    body = h.value().getBytes();
                }
            }
        }
        if (status == 200) {
            x.getResponseHeaders().add("ETag", "\"" + h.counter() + "." + h.node() + "\"");
            x.getResponseHeaders().add("X-Dsys-Session", "token-" + clock);
        }
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
        x.close();
    }

    private SetWorkload workload(ByteArrayOutputStream out) {
        return new SetWorkload(new Gateway("http://127.0.0.1:" + server.getAddress().getPort(), "t"), "eventual", "r", 1, 2,
                Duration.ofSeconds(20), new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void askingClientsSendTheGuaranteesAndTheirTokenOthersNeither() {
        SetWorkload w = workload(new ByteArrayOutputStream());
        HistoryRecorder rec = new HistoryRecorder();
        for (int i = 0; i < 40; i++) assertThat(w.step(rec, "0", "kv-1")).isTrue();
        List<Map<String, String>> asking = List.copyOf(requests);
        requests.clear();
        for (int i = 0; i < 40; i++) assertThat(w.step(rec, "1", "kv-1")).isTrue();

        assertThat(asking).hasSize(40).allSatisfy(r -> assertThat(r).containsEntry("X-Dsys-Guarantees", SetWorkload.GUARANTEES));
        // Every request after the first reply that carried a token sends the latest one back.
        assertThat(asking.stream().skip(asking.indexOf(asking.stream().filter(r -> r.containsKey("X-Dsys-Session")).findFirst().orElseThrow())))
                .allSatisfy(r -> assertThat(r).containsKey("X-Dsys-Session"));
        assertThat(requests).hasSize(40).allSatisfy(r -> assertThat(r).doesNotContainKeys("X-Dsys-Guarantees", "X-Dsys-Session"));
        assertThat(asking.stream().map(r -> r.get("method")).distinct()).as("writes, deletes and reads").hasSize(3);

        History h = rec.history();
        assertThat(h.calls()).hasSize(80).allSatisfy(c -> {
            assertThat(c.isOk()).isTrue();
            assertThat(c.version()).as("every ok call records the version it saw: %s", c).matches("[0-9]+\\.(kv-[123])?");
            assertThat(c.session()).isEqualTo(c.process().equals("0") ? "0" : null);
        });
        List<String> nodes = h.calls().stream().map(c -> c.invoke().node()).distinct().toList();
        assertThat(nodes).as("calls go to random nodes, not the pinned one").hasSizeGreaterThan(1);
    }

    @Test
    void theReadBackWaitsUntilTheReplicasAgreeTwice() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SetWorkload w = workload(out);
        HistoryRecorder rec = new HistoryRecorder();
        int wrote = 0;
        while (wrote < 2) {
            if (w.step(rec, "1", "kv-1") && rec.history().calls().get(rec.history().calls().size() - 1).f().equals("write")) wrote++;
        }
        replicas.put("kv-3", new Held("stale", 0, "kv-9")); // not yet repaired: the first round must see them differ
        w.finalReads(rec, "final");

        List<Call> finals = rec.history().calls().stream().filter(c -> c.process().startsWith(SetWorkload.FINAL)).toList();
        assertThat(finals).as("three rounds of three replica reads").hasSize(9).allMatch(Call::isOk);
        assertThat(finals.stream().map(Call::process).distinct()).containsExactly("final.kv-1", "final.kv-2", "final.kv-3");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("round 1: 1 of 1 key(s) differ", "replicas agree on 1 key(s) after 3 round(s)");
        Judgement j = w.check(rec.history());
        assertThat(j.verdict()).as("%s %s", j.summary(), j.findings()).isEqualTo(Verdict.VALID);
        assertThat(j.keys().get("r-0").search()).matches("replicas: kv-1=(\\S+) kv-2=\\1 kv-3=\\1");
    }
}
