package dsys.time.bench;

import dsys.time.TimeServiceApplication;
import dsys.time.ntp.server.NtpUdpServer;
import dsys.time.ntp.server.SntpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput figures, not a timed test (nothing asserts speed). Run on demand:
 * <pre>
 * ./mvnw -q -o -pl time-service test -Dtest=TimeBenchmark -Ddsys.bench=true [-Ddsys.bench.seconds=10]
 *     [-Ddsys.bench.threads=2] [-Ddsys.bench.url=http://127.0.0.1:8080/api/time/now  (e.g. through the gateway)]
 *     [-Ddsys.bench.ntp=127.0.0.1:12301  (an already running node)]
 * </pre>
 * Without a URL or NTP address it starts one node in this JVM and measures it directly on loopback. Results go to
 * standard output and target/bench.txt.
 */
@EnabledIfSystemProperty(named = "dsys.bench", matches = "true")
class TimeBenchmark {

    record Figures(String what, long ops, double seconds, List<Long> latencies) {
        String line() {
            Collections.sort(latencies);
            return String.format(Locale.ROOT, "BENCH %-28s %8.0f ops/s  p50 %7.3f ms  p99 %7.3f ms  (%d ops in %.1f s)",
                    what, ops / seconds, pct(0.50), pct(0.99), ops, seconds);
        }

        double pct(double p) {
            return latencies.isEmpty() ? Double.NaN : latencies.get((int) Math.min(latencies.size() - 1, p * latencies.size())) / 1e6;
        }
    }

    interface Op {
        boolean run() throws Exception;
    }

    @Test
    void measure(@TempDir Path data) throws Exception {
        int seconds = Integer.getInteger("dsys.bench.seconds", 10);
        int threads = Integer.getInteger("dsys.bench.threads", 2);
        String url = System.getProperty("dsys.bench.url");
        String ntp = System.getProperty("dsys.bench.ntp");
        ConfigurableApplicationContext node = null;
        if (url == null || ntp == null) {
            int http;
            try (ServerSocket s = new ServerSocket(0)) {
                http = s.getLocalPort();
            }
            node = new SpringApplicationBuilder(TimeServiceApplication.class).run("--server.port=" + http,
                    "--dsys.node=time-1", "--dsys.members=time-1", "--dsys.peers.time-1=http://127.0.0.1:" + http,
                    "--dsys.data-dir=" + data, "--dsys.kafka.enabled=false", "--eureka.client.enabled=false",
                    "--dsys.time.ntp.port=0", "--logging.level.root=WARN", "--spring.main.banner-mode=off");
            if (url == null) url = "http://127.0.0.1:" + http + "/api/time/now";
            if (ntp == null) ntp = "127.0.0.1:" + node.getBean(NtpUdpServer.class).port();
        }
        try {
            List<String> lines = new ArrayList<>();
            String host = ntp.substring(0, ntp.lastIndexOf(':'));
            int port = Integer.parseInt(ntp.substring(ntp.lastIndexOf(':') + 1));
            lines.add(run("NTP v4 requests " + ntp, threads, seconds, () -> {
                SntpClient c = new SntpClient(host, port, 1000);
                return () -> c.query(4).isPresent();
            }).line());
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
            lines.add(run("GET " + url, threads, seconds,
                    () -> () -> client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200).line());
            String summary = String.join(System.lineSeparator(), lines);
            System.out.println(summary);
            java.nio.file.Files.writeString(Path.of("target", "bench.txt"), summary + System.lineSeparator());
        } finally {
            if (node != null) node.close();
        }
    }

    interface OpFactory {
        Op create() throws Exception;
    }

    /** Warms up for 2 s, then {@code threads} closed loops for {@code seconds}; only successful ops count. */
    static Figures run(String what, int threads, int seconds, OpFactory factory) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            loop(pool, threads, 2, factory); // warm-up (JIT, connections)
            long start = System.nanoTime();
            List<List<Long>> parts = loop(pool, threads, seconds, factory);
            double elapsed = (System.nanoTime() - start) / 1e9;
            List<Long> all = new ArrayList<>();
            parts.forEach(all::addAll);
            return new Figures(what, all.size(), elapsed, all);
        } finally {
            pool.shutdownNow();
        }
    }

    static List<List<Long>> loop(ExecutorService pool, int threads, int seconds, OpFactory factory) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                Op op = factory.create();
                List<Long> lat = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    if (op.run()) lat.add(System.nanoTime() - t0);
                }
                return lat;
            }));
        }
        List<List<Long>> out = new ArrayList<>();
        for (Future<List<Long>> f : futures) out.add(f.get());
        return out;
    }
}
