package dsys.launcher.bench;

import dsys.launcher.Options;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code kvbench}: the same closed-loop client against dsys's kv store (through the gateway, or with
 * {@code --via=nodes} straight at the kv nodes as etcd's client calls its members; one system per keyspace
 * of {@code --keyspaces}, each a replication mode) and etcd, put of small values and get, cell by cell in rounds whose
 * order rotates, so all share the host's good and bad minutes. Beside the figures, what each op cost the system: messages (dsys) and fsyncs, as deltas of the
 * systems' own counters over the cell. Started by {@code ./platform bench kv}, which runs etcd beside the platform.
 */
public final class KvBenchCommand {

    /** A cell's figures and its cost per op (counter name → delta / ops). */
    private record Cell(ClosedLoop.Result result, Map<String, Double> perOp) {
    }

    private KvBenchCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> o = Options.parse(args);
        String gateway = o.getOrDefault("gateway", "http://127.0.0.1:8080");
        List<String> etcd = List.of(o.getOrDefault("etcd", "http://127.0.0.1:23791").split(","));
        List<String> kvNodes = List.of(o.getOrDefault("kv", "http://127.0.0.1:8301,http://127.0.0.1:8302,http://127.0.0.1:8303").split(","));
        int[] clients = Arrays.stream(o.getOrDefault("clients", "1,16,64").split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> ops = List.of(o.getOrDefault("ops", "put,get").split(","));
        Duration seconds = Duration.ofSeconds(Long.parseLong(o.getOrDefault("seconds", "10")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(o.getOrDefault("warmup", "30")));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "2"));
        int keys = Integer.parseInt(o.getOrDefault("keys", "1000"));
        byte[] value = new byte[Integer.parseInt(o.getOrDefault("value-bytes", "100"))];
        Arrays.fill(value, (byte) 'v');
        for (String op : ops) {
            if (!List.of("put", "get", "get-one", "put-one").contains(op)) {
                err.println("kvbench: --ops takes put, get, get-one and/or put-one, not " + op);
                return 2;
            }
        }
        String via = o.getOrDefault("via", "gateway");
        if (!via.equals("gateway") && !via.equals("nodes")) {
            err.println("kvbench: --via takes gateway or nodes, not " + via);
            return 2;
        }
        if (ops.contains("put-one") && !via.equals("nodes")) {
            err.println("kvbench: put-one needs --via=nodes (through the gateway a keyspace's writes all go to one node)");
            return 2;
        }
        if (ops.contains("put-one") && o.get("token") == null) {
            err.println("kvbench: put-one needs --token (the admin token) to create its one-replica keyspaces");
            return 2;
        }
        Http http = new Http();
        Map<String, KvTarget> systems = new LinkedHashMap<>();
        List<String> only = List.of(o.getOrDefault("systems", "dsys,etcd").split(","));
        List<String> keyspaces = List.of(o.getOrDefault("keyspaces", "default").split(","));
        if (only.contains("dsys")) {
            for (String ks : keyspaces) systems.put(keyspaces.size() == 1 ? "dsys" : "dsys/" + ks, new DsysKv(http, gateway, kvNodes, ks, via.equals("nodes")));
        }
        if (only.contains("etcd")) systems.put("etcd", new EtcdKv(http, etcd));
        String run = "kvbench-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        out.printf("run: %s (its keys start %s-); dsys %s%n", run, run, via.equals("nodes")
                ? "straight at the kv nodes (client i on node i mod " + kvNodes.size() + ", as etcd's on its members)" : "through the gateway");
        try {
            return measure(o, systems, run, ops, clients, seconds, warmup, rounds, keys, value, out);
        } finally {
            if (!Boolean.parseBoolean(o.getOrDefault("keep", "false"))) {
                long started = System.nanoTime();
                for (KvTarget t : systems.values()) {
                    long n = t.removeRun(run + "-", out);
                    if (n > 0) out.printf(Locale.ROOT, "cleanup: %d keys deleted in %.0f s (their tombstones go after "
                            + "the horizon, dsys.kv.tombstone-horizon-ms)%n", n, (System.nanoTime() - started) / 1e9);
                }
            }
        }
    }

    private static int measure(Map<String, String> o, Map<String, KvTarget> systems, String run, List<String> ops,
                               int[] clients, Duration seconds, Duration warmup, int rounds, int keys, byte[] value,
                               PrintStream out) throws Exception {
        boolean reads = ops.contains("get") || ops.contains("get-one");
        if (reads) {
            out.printf("preload: %d keys of %d bytes in each system (gets read them)%n", keys, value.length);
            for (KvTarget t : systems.values()) preload(t, run, keys, value);
        }
        if (ops.contains("put-one")) {
            for (KvTarget t : systems.values()) t.preparePutOne(o.get("token"));
        }
        if (!warmup.isZero()) {
            out.printf("warm-up: %d s of 16 clients, puts and gets, each system%n", warmup.toSeconds());
            Duration share = warmup.dividedBy(2L * systems.size());
            for (KvTarget t : systems.values()) {
                ClosedLoop.run(16, share, op(t, "put", run, 16, keys, value));
                if (reads) ClosedLoop.run(16, share, op(t, "get", run, 16, keys, value));
            }
        }
        Map<String, List<Cell>> cells = new HashMap<>();
        out.println("| round | system | op | clients | ops/s | p50 ms | p99 ms | errors | CPU ms/op | messages/op | fsyncs/op | storage writes/op |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int r = 1; r <= rounds; r++) {
            for (String op : ops) {
                for (int c : clients) {
                    List<String> order = new ArrayList<>(systems.keySet());
                    java.util.Collections.rotate(order, r - 1);
                    for (String system : order) {
                        KvTarget t = systems.get(system);
                        Map<String, Double> before = t.counters();
                        ClosedLoop.Result res = ClosedLoop.run(c, seconds, op(t, op, run, c, keys, value));
                        Map<String, Double> perOp = new HashMap<>();
                        t.counters().forEach((k, v) -> perOp.put(k, res.ops() == 0 ? Double.NaN : (v - before.get(k)) / res.ops()));
                        Cell cell = new Cell(res, perOp);
                        cells.computeIfAbsent(system + "|" + op + "|" + c, k -> new ArrayList<>()).add(cell);
                        out.printf(Locale.ROOT, "| %d | %s | %s | %d | %.1f | %.2f | %.2f | %d%s | %s | %s | %s | %s |%n", r, system, op, c,
                                res.opsPerSecond(), res.p50Ms(), res.p99Ms(), res.errors(),
                                res.firstError() == null ? "" : " (" + res.firstError() + ")",
                                cost(perOp, "cpu-ms"), cost(perOp, "messages"), cost(perOp, "fsyncs"), cost(perOp, system.equals("etcd") ? "backend-commits" : "storage-writes"));
                    }
                }
            }
        }
        if (systems.containsKey("etcd") && systems.size() > 1) summary(out, cells, ops, clients, systems.keySet());
        return 0;
    }

    /**
     * A put overwrites the run's {@code keys} put keys ({@code run-p-i}), each client its own share of them (client j
     * of c: the keys i ≡ j mod c, cycled), so no two clients write one key and every round, client count and system
     * writes the same set: a run leaves {@code keys} keys per keyspace, not one per put (a store that keeps every key
     * in memory filled up in one run when each cell wrote keys of its own). A get reads the run's preloaded keys,
     * each client from its own offset, so clients do not read the same key in step; get-one reads them the same way
     * at the cheapest level (the floor under a replicated read).
     */
    private static ClosedLoop.ClientOp op(KvTarget t, String op, String run, int clients, int keys, byte[] value) {
        int share = Math.max(1, keys / clients);
        return switch (op) {
            case "put" -> (client, n) -> t.put(client, run + "-p-" + (client + (long) clients * (n % share)), value);
            case "put-one" -> (client, n) -> t.putOne(client, run + "-p-" + (client + (long) clients * (n % share)), value);
            case "get" -> (client, n) -> t.get(client, getKey(run, (int) ((client * 7919L + n) % keys)));
            default -> (client, n) -> t.getOne(client, getKey(run, (int) ((client * 7919L + n) % keys)));
        };
    }

    private static String cost(Map<String, Double> perOp, String name) {
        Double v = perOp.get(name);
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void summary(PrintStream out, Map<String, List<Cell>> cells, List<String> ops, int[] clients,
                                java.util.Set<String> systems) {
        out.println();
        out.println("medians over the rounds; ratio = dsys/etcd ops/s (from the same run); cost per op from each system's counters"
                + " (CPU: dsys = kv nodes, + the gateway when requests pass it; etcd = its members):");
        out.println("| op | clients | system | etcd ops/s (p50, p99 ms) | dsys ops/s (p50, p99 ms) | dsys/etcd | CPU ms/op etcd, dsys | dsys messages/op | dsys fsyncs/op | dsys storage writes/op | etcd WAL fsyncs/op | etcd backend commits/op |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (String op : ops) {
            for (int c : clients) {
                for (String system : systems) {
                    if (!system.equals("etcd")) summaryRow(out, cells, op, c, system);
                }
            }
        }
    }

    private static void summaryRow(PrintStream out, Map<String, List<Cell>> cells, String op, int c, String system) {
        List<Cell> e = cells.get("etcd|" + op + "|" + c);
        List<Cell> d = cells.get(system + "|" + op + "|" + c);
        double eo = med(e, x -> x.result().opsPerSecond()), dop = med(d, x -> x.result().opsPerSecond());
        // a ratio over failed requests is no figure: say so in the cell itself (the rounds' rows show the first error)
        long errors = 0;
        for (Cell x : e) errors += x.result().errors();
        for (Cell x : d) errors += x.result().errors();
        out.printf(Locale.ROOT, "| %s | %d | %s | %.0f (%.1f, %.1f) | %.0f (%.1f, %.1f) | **%.2f×**%s | %.2f, %.2f | %.1f | %.2f | %.2f | %.2f | %.2f |%n",
                op, c, system, eo, med(e, x -> x.result().p50Ms()), med(e, x -> x.result().p99Ms()),
                dop, med(d, x -> x.result().p50Ms()), med(d, x -> x.result().p99Ms()), eo > 0 ? dop / eo : Double.NaN,
                errors == 0 ? "" : " (" + errors + " errors)",
                med(e, x -> x.perOp().get("cpu-ms")), med(d, x -> x.perOp().get("cpu-ms")),
                med(d, x -> x.perOp().get("messages")), med(d, x -> x.perOp().get("fsyncs")),
                med(d, x -> x.perOp().get("storage-writes")), med(e, x -> x.perOp().get("fsyncs")),
                med(e, x -> x.perOp().get("backend-commits")));
    }

    private static double med(List<Cell> cells, ToDoubleFunction<Cell> figure) {
        return ClosedLoop.median(cells, figure);
    }

    /** Writes the keys gets read ({@code run-g-i}), 16 writers at a time; a key that fails 5 times stops the benchmark. */
    private static void preload(KvTarget t, String run, int keys, byte[] value) throws Exception {
        Each.run("preload", keys, 5, i -> t.put(i % 16, getKey(run, i), value), done -> { });
    }

    private static String getKey(String run, int i) {
        return run + "-g-" + i;
    }
}
