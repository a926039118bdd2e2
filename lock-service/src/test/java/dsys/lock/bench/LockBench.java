package dsys.lock.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Acquire+release load against any base URLs (the gateway, or nodes directly). Each client is a thread that
 * loops acquire → release on its own lock ({@code distinct}) or on one shared lock ({@code contended}), through
 * one base URL (client i uses url i mod n: a sticky client). Reports ops/s (one op = acquire + release) and the
 * p50/p99 of an op. Not a test: run it as
 * {@code java -cp ... dsys.lock.bench.LockBench --urls=http://127.0.0.1:8080 --clients=1,16,64 --seconds=10}.
 */
public final class LockBench {

    public record Result(String mode, int clients, double opsPerSecond, double p50Ms, double p99Ms, long errors,
                         long refused) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "| %-9s | %3d | %8.1f | %7.2f | %8.2f | %d/%d |", mode, clients,
                    opsPerSecond, p50Ms, p99Ms, errors, refused);
        }
    }

    private final List<String> urls;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    public LockBench(List<String> urls) {
        this.urls = urls;
    }

    public Result run(String mode, int clients, Duration length, String tag) throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        List<long[]> latencies = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            String base = urls.get(c % urls.size());
            String lock = mode.equals("distinct") ? "bench-" + tag + "-" + c : "bench-" + tag + "-shared";
            String owner = "b" + c;
            long[] samples = new long[1 << 20];
            latencies.add(samples);
            int index = latencies.size() - 1;
            Thread t = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end && n < samples.length - 1) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> a = post(base + "/api/locks/" + lock + "/acquire",
                                "{\"owner\":\"" + owner + "\",\"leaseMs\":5000,\"waitMs\":10000}");
                        if (a.statusCode() == 409) {
                            refused.incrementAndGet();
                            continue;
                        }
                        if (a.statusCode() != 200) {
                            errors.incrementAndGet();
                            continue;
                        }
                        String token = field(a.body(), "fencingToken");
                        HttpResponse<String> r = post(base + "/api/locks/" + lock + "/release",
                                "{\"owner\":\"" + owner + "\",\"fencingToken\":" + token + "}");
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                            continue;
                        }
                        samples[++n] = System.nanoTime() - t0;
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                samples[0] = n;
            }, "bench-" + index);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        long total = latencies.stream().mapToLong(s -> s[0]).sum();
        long[] all = new long[(int) total];
        int k = 0;
        for (long[] s : latencies) for (int i = 1; i <= s[0]; i++) all[k++] = s[i];
        Arrays.sort(all);
        return new Result(mode, clients, total / seconds, pct(all, 0.50), pct(all, 0.99), errors.get(), refused.get());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Switches the algorithm (admin route). */
    public int algorithm(String base, String token, String algorithm) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/locks/algorithm")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"algorithm\":\"" + algorithm + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\":") + name.length() + 3;
        int j = i;
        while (j < json.length() && (Character.isDigit(json.charAt(j)) || json.charAt(j) == '-')) j++;
        return json.substring(i, j);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    public static void main(String[] args) throws Exception {
        String urls = arg(args, "urls", "http://127.0.0.1:8080");
        String token = arg(args, "token", System.getenv().getOrDefault("DSYS_ADMIN_TOKEN", ""));
        int seconds = Integer.parseInt(arg(args, "seconds", "10"));
        List<Integer> clients = Arrays.stream(arg(args, "clients", "1,16,64").split(",")).map(Integer::parseInt).toList();
        List<String> algorithms = List.of(arg(args, "algorithms", "centralized,ricart-agrawala,token-ring").split(","));
        List<String> modes = List.of(arg(args, "modes", "distinct,contended").split(","));
        LockBench bench = new LockBench(List.of(urls.split(",")));
        report(bench, algorithms, modes, clients, Duration.ofSeconds(seconds), token);
    }

    static void report(LockBench bench, List<String> algorithms, List<String> modes, List<Integer> clients,
                       Duration length, String token) throws Exception {
        for (String alg : algorithms) {
            if (!token.isEmpty()) {
                int status = bench.algorithm(bench.urls.get(0), token, alg);
                if (status != 200) throw new IllegalStateException("switching to " + alg + ": HTTP " + status);
            }
            System.out.println("\n" + alg + " (" + bench.urls + ")\n| mode      | cl. |    ops/s |  p50 ms |   p99 ms | err/409 |");
            for (String mode : modes) {
                bench.run(mode, 1, Duration.ofSeconds(1), "warm-" + alg);
                for (int c : clients) System.out.println(bench.run(mode, c, length, alg + "-" + c));
            }
        }
    }

    private static String arg(String[] args, String name, String def) {
        for (String a : args) if (a.startsWith("--" + name + "=")) return a.substring(name.length() + 3);
        return def;
    }
}
