package dsys.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.launcher.Options;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench staleness}: push against pull (notes §4.2), per keyspace (replication mode). A writer puts a new
 * value through the gateway; staleness is the time from its acknowledgement until every replica shows it:
 * <ul>
 *   <li>push: each kv node's watch stream tells when that node learned the version;</li>
 *   <li>pull: each node is polled ({@code GET ?read=one} with {@code If-None-Match}, 304 until it changes) every
 *       {@code --poll-ms}.</li>
 * </ul>
 * Beside it, what it cost per write: the kv nodes' own messages (their {@code /api/kv/stats}, replication and
 * the reads' messages) and the client's (events received, polls sent).
 */
public final class StalenessBenchCommand {

    private StalenessBenchCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> o = Options.parse(args);
        String gateway = o.getOrDefault("gateway", "http://127.0.0.1:8080");
        List<String> nodes = List.of(o.getOrDefault("kv", "http://127.0.0.1:8301,http://127.0.0.1:8302,http://127.0.0.1:8303").split(","));
        List<String> keyspaces = List.of(o.getOrDefault("keyspaces", "default").split(","));
        int writes = Integer.parseInt(o.getOrDefault("writes", "30"));
        long[] polls = Arrays.stream(o.getOrDefault("poll-ms", "20,100").split(",")).mapToLong(Long::parseLong).toArray();
        if (writes < 1 || Arrays.stream(polls).anyMatch(p -> p < 1)) {
            err.println("staleness: --writes and --poll-ms must be positive");
            return 2;
        }
        Http http = new Http();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String run = "stale-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        out.printf("run: %s, %d writes per keyspace and method, kv nodes %s%n", run, writes, nodes);
        out.println("| keyspace | method | staleness p50 ms | p99 ms | max ms | kv messages/write | client messages/write | not seen |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (String ks : keyspaces) {
            Probe probe = new Probe(http, client, gateway, nodes, ks, run + "-" + ks);
            out.println(probe.push(writes).row(ks, "push (watch)"));
            for (long p : polls) out.println(probe.pull(writes, p).row(ks, "pull every " + p + " ms"));
            http.send(gateway + "/api/kv/" + ks + "/" + probe.key, "DELETE", null, null, null);
        }
        out.println("staleness: from the writer's acknowledgement until every kv node shows the version (0 when a node had it"
                + " before the acknowledgement); kv messages: the nodes' own, all keyspaces (others idle but for anti-entropy)");
        return 0;
    }

    /** One method's figures over the writes. */
    record Figures(List<Double> staleMs, double kvMessagesPerWrite, double clientMessagesPerWrite, int missed) {
        String row(String keyspace, String method) {
            List<Double> s = new ArrayList<>(staleMs);
            s.sort(null);
            return String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %d |", keyspace, method,
                    pct(s, 0.5), pct(s, 0.99), s.isEmpty() ? Double.NaN : s.get(s.size() - 1), kvMessagesPerWrite,
                    clientMessagesPerWrite, missed);
        }

        private static double pct(List<Double> sorted, double p) {
            return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        }
    }

    private static final class Probe {
        private static final long WAIT_MS = 10_000;
        /** One thread per node's poller (the common pool has one thread on two cores: the polls would queue). */
        private static final java.util.concurrent.ExecutorService pollers = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "staleness-poller");
            t.setDaemon(true);
            return t;
        });
        private final Http http;
        private final HttpClient client;
        private final String gateway;
        private final List<String> nodes;
        private final String keyspace;
        final String key;
        private long n;

        Probe(Http http, HttpClient client, String gateway, List<String> nodes, String keyspace, String key) {
            this.http = http;
            this.client = client;
            this.gateway = gateway;
            this.nodes = nodes;
            this.keyspace = keyspace;
            this.key = key;
        }

        /** Puts the next value; its version and the nanoTime of the acknowledgement. */
        private Object[] write() throws Exception {
            String body = http.send(gateway + "/api/kv/" + keyspace + "/" + key, "PUT", "text/plain",
                    ("v" + (++n)).getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
            long acked = System.nanoTime();
            return new Object[]{Http.JSON.readTree(body).path("version").asText(), acked};
        }

        Figures push(int writes) throws Exception {
            String first = (String) write()[0];
            try (VersionWatches w = new VersionWatches(client, nodes, keyspace, key)) {
                if (w.awaitAll(first, nodes.size(), WAIT_MS) == null) throw new IllegalStateException("watch streams on " + keyspace + " did not all start");
                double before = kvMessages();
                long events = w.events();
                List<Double> stale = new ArrayList<>();
                int missed = 0;
                for (int i = 0; i < writes; i++) {
                    Object[] v = write();
                    Map<String, Long> at = w.awaitAll((String) v[0], nodes.size(), WAIT_MS);
                    if (at == null) missed++;
                    else stale.add(Math.max(0, at.values().stream().mapToLong(Long::longValue).max().orElseThrow() - (long) v[1]) / 1e6);
                }
                return new Figures(stale, (kvMessages() - before) / writes, (double) (w.events() - events) / writes, missed);
            }
        }

        /** Each node polled by its own poller, as independent readers would: the last one to see it ends the write. */
        Figures pull(int writes, long pollMs) throws Exception {
            String etag = (String) write()[0];
            double before = kvMessages();
            java.util.concurrent.atomic.AtomicLong polls = new java.util.concurrent.atomic.AtomicLong();
            List<Double> stale = new ArrayList<>();
            int missed = 0;
            for (int i = 0; i < writes; i++) {
                Object[] v = write();
                String version = (String) v[0], old = etag;
                long deadline = (long) v[1] + WAIT_MS * 1_000_000;
                List<java.util.concurrent.CompletableFuture<Long>> seen = nodes.stream()
                        .map(node -> java.util.concurrent.CompletableFuture.supplyAsync(() -> until(node, old, version, pollMs, deadline, polls), pollers))
                        .toList();
                long last = 0;
                boolean all = true;
                for (var f : seen) {
                    Long at = f.get();
                    if (at == null) all = false;
                    else last = Math.max(last, at);
                }
                if (all) stale.add(Math.max(0, last - (long) v[1]) / 1e6);
                else missed++;
                etag = version;
            }
            return new Figures(stale, (kvMessages() - before) / writes, (double) polls.get() / writes, missed);
        }

        /** When {@code node} first showed {@code version} (nanoTime), or null by the deadline. */
        private Long until(String node, String etag, String version, long pollMs, long deadline, java.util.concurrent.atomic.AtomicLong polls) {
            try {
                while (System.nanoTime() < deadline) {
                    polls.incrementAndGet();
                    if (version.equals(poll(node, etag))) return System.nanoTime();
                    Thread.sleep(pollMs);
                }
                return null;
            } catch (Exception e) {
                return null;
            }
        }

        /** The version a node's own replica shows (read=one), or null while it answers 304 (still {@code etag}). */
        private String poll(String node, String etag) throws Exception {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(node + "/api/kv/" + keyspace + "/" + key + "?read=one"))
                    .header("If-None-Match", "\"" + etag + "\"").timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) return null;
            return r.headers().firstValue("ETag").map(e -> e.replace("\"", "").replace("W/", "")).orElse(null);
        }

        private double kvMessages() throws Exception {
            double sum = 0;
            for (String node : nodes) {
                JsonNode stats = Http.JSON.readTree(http.get(node + "/api/kv/stats"));
                for (JsonNode k : stats) for (JsonNode sent : k.path("sent")) sum += sent.asDouble();
            }
            return sum;
        }
    }
}
