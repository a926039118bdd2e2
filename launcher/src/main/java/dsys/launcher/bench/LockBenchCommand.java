package dsys.launcher.bench;

import dsys.launcher.Options;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lockbench}: the same closed-loop client against dsys (through the gateway, per algorithm) and etcd, cell by
 * cell in interleaved rounds, so both share the host's good and bad minutes. Prints every cell as it ends, then
 * the median per cell and the dsys/etcd ratio. Started by {@code ./platform bench lock}, which runs etcd beside
 * the platform.
 */
public final class LockBenchCommand {

    /** A mode: dsys runs its floor (two algorithm-free requests per op), etcd its distinct locks. */
    static final String FLOOR = "floor";

    private LockBenchCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> o = Options.parse(args);
        String gateway = o.getOrDefault("gateway", "http://127.0.0.1:8080");
        List<String> etcd = List.of(o.getOrDefault("etcd", "http://127.0.0.1:23791").split(","));
        int[] clients = Arrays.stream(o.getOrDefault("clients", "1,8,64").split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> modes = List.of(o.getOrDefault("modes", "distinct,one").split(","));
        List<String> algorithms = List.of(o.getOrDefault("algorithms", "centralized,ricart-agrawala,token-ring").split(","));
        Duration seconds = Duration.ofSeconds(Long.parseLong(o.getOrDefault("seconds", "10")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(o.getOrDefault("warmup", "40")));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "2"));
        String token = o.get("token");
        if (token == null) {
            err.println("lockbench: --token is required (the admin token, to switch the lock algorithm)");
            return 2;
        }
        for (String m : modes) {
            if (!m.equals("distinct") && !m.equals("one") && !m.equals(FLOOR)) {
                err.println("lockbench: --modes takes distinct, one and/or floor, not " + m);
                return 2;
            }
        }
        Http http = new Http();
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        if (!warmup.isZero()) {
            out.printf("warm-up: %d s of 8 clients on distinct locks, each algorithm and etcd%n", warmup.toSeconds());
            Duration share = warmup.dividedBy(algorithms.size() + 1);
            for (String a : algorithms) {
                switchTo(http, gateway, a, token);
                locks(new DsysLocks(http, gateway), 8, false, share, "warm-" + run + "-" + a);
            }
            EtcdLocks e = new EtcdLocks(http, etcd);
            locks(e, 8, false, share, "warm-" + run);
            e.close();
        }
        Map<String, List<ClosedLoop.Result>> cells = new LinkedHashMap<>();
        out.println("| round | system | mode | clients | ops/s | p50 ms | p99 ms | errors |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (int r = 1; r <= rounds; r++) {
            for (String a : algorithms) {
                switchTo(http, gateway, a, token);
                for (String mode : modes) {
                    for (int c : clients) {
                        List<String> order = r % 2 == 1 ? List.of("dsys", "etcd") : List.of("etcd", "dsys");
                        for (String system : order) {
                            // etcd once a round; the floor asks no algorithm, so once a round too
                            if ((system.equals("etcd") || mode.equals(FLOOR)) && !a.equals(algorithms.get(0))) continue;
                            String key = system.equals("etcd") ? "etcd|" + mode + "|" + c : "dsys " + a + "|" + mode + "|" + c;
                            LockTarget target = system.equals("etcd") ? new EtcdLocks(http, etcd)
                                    : mode.equals(FLOOR) ? DsysLocks.floor(http, gateway) : new DsysLocks(http, gateway);
                            String tag = "bench-" + run + "-" + r + "-" + a + "-" + mode + "-" + c;
                            ClosedLoop.Result res = locks(target, c, mode.equals("one"), seconds, tag);
                            target.close();
                            cells.computeIfAbsent(key, k -> new ArrayList<>()).add(res);
                            out.printf(Locale.ROOT, "| %d | %s | %s | %d | %.1f | %.2f | %.2f | %d%s |%n", r,
                                    system.equals("etcd") ? "etcd" : mode.equals(FLOOR) ? "dsys floor" : "dsys " + a, mode, c, res.opsPerSecond(), res.p50Ms(),
                                    res.p99Ms(), res.errors(), res.firstError() == null ? "" : " (" + res.firstError() + ")");
                        }
                    }
                }
            }
        }
        summary(out, cells, algorithms, modes, clients);
        return 0;
    }

    private static void summary(PrintStream out, Map<String, List<ClosedLoop.Result>> cells, List<String> algorithms,
                                List<String> modes, int[] clients) {
        out.println();
        out.println("medians over the rounds (ops/s, p99 ms) and the dsys/etcd ratio of ops/s:");
        out.println("| mode | clients | etcd ops/s (p99) | " + String.join(" | ", algorithms.stream().map(a -> a + " ops/s (p99) ratio").toList()) + " |");
        out.println("|---|---|---|" + "---|".repeat(algorithms.size()));
        for (String mode : modes) {
            for (int c : clients) {
                List<ClosedLoop.Result> e = cells.get("etcd|" + mode + "|" + c);
                double etcd = ClosedLoop.median(e, ClosedLoop.Result::opsPerSecond);
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %.0f (%.1f) |", mode, c, etcd,
                        ClosedLoop.median(e, ClosedLoop.Result::p99Ms)));
                for (String a : algorithms) {
                    if (mode.equals(FLOOR) && !a.equals(algorithms.get(0))) {
                        row.append(" – |");
                        continue;
                    }
                    List<ClosedLoop.Result> d = cells.get("dsys " + a + "|" + mode + "|" + c);
                    double ops = ClosedLoop.median(d, ClosedLoop.Result::opsPerSecond);
                    row.append(String.format(Locale.ROOT, " %.0f (%.1f) **%.2f×** |", ops,
                            ClosedLoop.median(d, ClosedLoop.Result::p99Ms), etcd > 0 ? ops / etcd : Double.NaN));
                }
                out.println(row);
            }
        }
        if (modes.contains(FLOOR)) {
            out.println("floor: dsys's op is two requests through the gateway that a lock node answers without its algorithm");
            out.println("(GET /api/coordination/node), etcd's is a lock and an unlock on a lock of its own: no lock algorithm behind");
            out.println("this gateway and web stack gets above the floor's ratio (in the " + algorithms.get(0) + " column).");
        }
    }

    /** One op = acquire + release, each client on its own lock ({@code tag-i}) or all on {@code tag} (mode one). */
    private static ClosedLoop.Result locks(LockTarget target, int clients, boolean oneLock, Duration length, String tag)
            throws InterruptedException {
        return ClosedLoop.run(clients, length, (client, n) -> {
            String name = oneLock ? tag : tag + "-" + client;
            target.release(client, name, target.acquire(client, name));
        });
    }

    private static void switchTo(Http http, String gateway, String algorithm, String token) throws Exception {
        http.put(gateway + "/api/locks/algorithm", "{\"algorithm\":\"" + algorithm + "\"}", token);
    }
}
