package dsys.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dsys.launcher.Options;
import dsys.launcher.jvm.JitCpu;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code txnbench}: the same transfer (take 1 from one account, give it to another, atomically, only if neither
 * changed since it was read) by the same closed-loop client: through the gateway as a dsys transaction
 * ({@code POST /api/txn}, two {@code add}s, under 2PC and 3PC), and with etcd as its own client would do it: a
 * read of both keys, then {@code /v3/kv/txn} comparing both mod revisions and putting both values. Each client
 * has its own two accounts (no contention between clients). Started by {@code ./platform bench txn}.
 */
public final class TxnBenchCommand {

    private interface Transfer {
        void run(int client, long n) throws Exception;
    }

    private TxnBenchCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> o = Options.parse(args);
        String gateway = o.getOrDefault("gateway", "http://127.0.0.1:8080");
        List<String> etcd = List.of(o.getOrDefault("etcd", "http://127.0.0.1:23791").split(","));
        int[] clients = Arrays.stream(o.getOrDefault("clients", "1,16,64").split(",")).mapToInt(Integer::parseInt).toArray();
        Duration seconds = Duration.ofSeconds(Long.parseLong(o.getOrDefault("seconds", "10")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(o.getOrDefault("warmup", "20")));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "2"));
        List<String> only = List.of(o.getOrDefault("systems", "2pc,3pc,etcd").split(","));
        List<String> nodes = List.of(o.getOrDefault("nodes",
                "http://127.0.0.1:8301,http://127.0.0.1:8302,http://127.0.0.1:8303,http://127.0.0.1:8401").split(","));
        Map<String, Long> jvms = JitCpu.jvms(o.getOrDefault("jvms", "")); // dsys's JVMs on this host (./platform passes them)
        String zipkin = o.getOrDefault("zipkin", "http://127.0.0.1:9411"); // "off": no breakdown from traces
        String txnUrl = o.getOrDefault("txn-url", gateway); // where transfers go: the gateway, or txn-1 to leave it out
        Http http = new Http();
        String run = "txnbench-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        int most = Arrays.stream(clients).max().orElse(1);
        Map<String, Transfer> systems = new LinkedHashMap<>();
        LocalAccounts local = new LocalAccounts(List.of(o.getOrDefault("participants", "kv-1,kv-2,kv-3").split(",")));
        Accounts replicated = (c, side) -> local.replicated(run, c, side); // on the same participants as 2pc-local's
        Accounts own = (c, side) -> local.account(run, c, side);
        java.util.Set<Accounts> seeded = new java.util.LinkedHashSet<>(); // the accounts the dsys systems use
        for (String p : List.of("2pc", "3pc")) {
            if (!only.contains(p)) continue;
            systems.put("dsys " + p, dsys(http, txnUrl, replicated, null, p));
            seeded.add(replicated);
        }
        for (String p : List.of("2pc", "3pc")) {
            if (!only.contains(p + "-local")) continue;
            systems.put("dsys " + p + "-local", dsys(http, txnUrl, own, local, p));
            seeded.add(own);
        }
        if (seeded.contains(own)) {
            if (o.get("token") == null) {
                err.println("txnbench: 2pc-local and 3pc-local need --token (the admin token) to create their one-replica keyspaces");
                return 2;
            }
            for (int i = 0; i < local.keyspaces().size(); i++) { // kept as they are if they exist (200, created: false)
                http.post(gateway + "/api/kv/keyspaces", Http.JSON.createObjectNode().put("name", local.keyspaces().get(i))
                        .put("mode", "quorum").set("replicas", Http.JSON.createArrayNode().add(local.node(i))).toString(), o.get("token"));
            }
        }
        if (only.contains("etcd")) systems.put("etcd", etcd(http, etcd, run));
        out.printf("run: %s; accounts: 2 per client, %d clients at most, 1,000,000 each%n", run, most);
        for (int c = 0; c < most; c++) {
            for (String side : List.of("a", "b")) {
                String key = account(run, c, side);
                for (Accounts a : seeded) {
                    String[] at = a.of(c, side);
                    http.send(gateway + "/api/kv/" + at[0] + "/" + at[1], "PUT", "text/plain", "1000000".getBytes(UTF_8), null);
                }
                if (systems.containsKey("etcd")) {
                    http.post(etcd.get(0) + "/v3/kv/put", Http.JSON.createObjectNode().put("key", b64(key)).put("value", b64("1000000")).toString(), null);
                }
            }
        }
        if (!warmup.isZero()) {
            out.printf("warm-up: %d s of 16 clients, each system%n", warmup.toSeconds());
            for (Transfer t : systems.values()) ClosedLoop.run(Math.min(16, most), warmup.dividedBy(systems.size()), t::run);
        }
        TxnCosts dsysCosts = new TxnCosts(http, gateway, nodes);
        EtcdKv etcdCosts = new EtcdKv(http, etcd);
        Map<String, List<ClosedLoop.Result>> cells = new HashMap<>();
        Map<String, List<Map<String, Double>>> costs = new HashMap<>();
        Map<String, List<double[]>> paths = new LinkedHashMap<>(); // per cell: the stages of each traced transfer
        Map<String, Integer> pathsSkipped = new HashMap<>();
        String tracesMissing = null; // why no breakdown, if none
        out.println("| round | system | clients | transfers/s | p50 ms | p99 ms | errors | CPU ms/txn | messages/txn | fsyncs/txn | JIT % |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        double hotJit = 0; // the largest share of the compilers in a dsys cell
        for (int r = 1; r <= rounds; r++) {
            List<String> order = new ArrayList<>(systems.keySet());
            if (r % 2 == 0) java.util.Collections.reverse(order);
            for (int c : clients) {
                for (String s : order) {
                    java.util.concurrent.Callable<Map<String, Double>> counters = s.equals("etcd") ? etcdCosts::counters : dsysCosts::counters;
                    Map<String, Double> before = counters.call();
                    JitCpu.Ticks jitBefore = JitCpu.of(jvms);
                    long from = System.currentTimeMillis();
                    ClosedLoop.Result res = ClosedLoop.run(c, seconds, systems.get(s)::run);
                    long to = System.currentTimeMillis();
                    JitCpu.Ticks jit = JitCpu.of(jvms).minus(jitBefore);
                    boolean jitKnown = !s.equals("etcd") && jit.all() > 0;
                    if (jitKnown) hotJit = Math.max(hotJit, jit.share());
                    Map<String, Double> perTxn = new HashMap<>();
                    counters.call().forEach((k, v) -> perTxn.put(k, res.ops() == 0 ? Double.NaN : (v - before.get(k)) / res.ops()));
                    cells.computeIfAbsent(s + "|" + c, k -> new ArrayList<>()).add(res);
                    if (!s.equals("etcd") && !zipkin.equals("off") && tracesMissing == null) {
                        try { // now: Zipkin keeps the last 20,000 spans, a few cells' worth
                            Thread.sleep(SPANS_REPORTED_MS);
                            int[] skipped = {0};
                            paths.computeIfAbsent(s + "|" + c, k -> new ArrayList<>()).addAll(TxnPath.stages(TxnPath.fetch(http, zipkin, from, to), skipped));
                            pathsSkipped.merge(s + "|" + c, skipped[0], Integer::sum);
                        } catch (IOException e) {
                            tracesMissing = e.getMessage();
                        }
                    }
                    costs.computeIfAbsent(s, k -> new ArrayList<>()).add(perTxn);
                    out.printf(Locale.ROOT, "| %d | %s | %d | %.1f | %.2f | %.2f | %d%s | %s | %s | %s | %s |%n", r, s, c, res.opsPerSecond(),
                            res.p50Ms(), res.p99Ms(), res.errors(), res.firstError() == null ? "" : " (" + res.firstError() + ")",
                            cost(perTxn, "cpu-ms"), cost(perTxn, "messages"), cost(perTxn, "fsyncs"),
                            jitKnown ? String.format(Locale.ROOT, "%.0f", 100 * jit.share()) : "–");
                }
            }
        }
        if (hotJit > JIT_WARNING) {
            out.printf(Locale.ROOT, "%nnote: the JIT took up to %.0f%% of the CPU of %s in a dsys cell: still compiling, so those figures say%n"
                    + "more about the warm-up than about the protocol. Load the platform longer first (a few minutes of 64 clients).%n",
                    100 * hotJit, String.join(", ", jvms.keySet()));
        }
        if (systems.containsKey("etcd")) {
            out.println();
            out.println("medians over the rounds; ratio = dsys/etcd transfers/s (same run):");
            List<String> dsys = systems.keySet().stream().filter(s -> !s.equals("etcd")).sorted().toList(); // only what ran
            StringBuilder head = new StringBuilder("| clients | etcd transfers/s |"), rule = new StringBuilder("|---|---|");
            for (String s : dsys) {
                head.append(' ').append(s).append(" | ").append(s.substring(5)).append("/etcd |");
                rule.append("---|---|");
            }
            out.println(head);
            out.println(rule);
            for (int c : clients) {
                double e = med(cells.get("etcd|" + c));
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d | %.0f |", c, e));
                for (String s : dsys) {
                    double d = med(cells.get(s + "|" + c));
                    row.append(String.format(Locale.ROOT, " %.0f | **%.2f×** |", d, d / e));
                }
                out.println(row);
            }
        }
        out.println();
        if (tracesMissing != null) {
            out.println("where a transfer's time goes: no traces (" + tracesMissing + "; --zipkin=URL, or off)");
        } else if (!paths.isEmpty() && paths.values().stream().allMatch(List::isEmpty)) {
            out.println("where a transfer's time goes: no traced transfers (the gateway starts the traces: --txn-url=" + txnUrl + " bypasses it?)");
            out.println();
        } else if (!paths.isEmpty()) {
            out.println("where a transfer's time goes: medians over the transfers the gateway traced in each cell (~10 a second), ms");
            out.println("(each stage from one trace's spans; txn-coordinator README, \"Measured beside etcd\"):");
            StringBuilder head = new StringBuilder("| system | clients | traces |"), rule = new StringBuilder("|---|---|---|");
            for (String stage : TxnPath.STAGES) {
                head.append(' ').append(stage).append(" |");
                rule.append("---|");
            }
            out.println(head);
            out.println(rule);
            paths.forEach((cell, rows) -> {
                String[] k = cell.split("\\|");
                out.println(TxnPath.row(k[0], Integer.parseInt(k[1]), rows, pathsSkipped.getOrDefault(cell, 0)));
            });
            out.println();
        }
        out.println("cost per transaction, medians over every cell (messages: dsys's nodes; etcd counts bytes, not messages):");
        for (String s : systems.keySet()) {
            List<Map<String, Double>> cs = costs.getOrDefault(s, List.of());
            out.printf(Locale.ROOT, "  %-9s CPU %s ms, messages %s, fsyncs %s%n", s, costMedian(cs, "cpu-ms"), costMedian(cs, "messages"), costMedian(cs, "fsyncs"));
        }
        return 0;
    }

    /**
     * A dsys cell in which the compilers took more of their JVMs' CPU than this is reported as measured on a JIT still
     * at work (the warm-up of {@code ./platform up} stops at 12 %).
     */
    static final double JIT_WARNING = 0.12;

    /** The nodes hand their finished spans to Zipkin in batches about a second apart. */
    private static final long SPANS_REPORTED_MS = 1500;

    private static String cost(Map<String, Double> perTxn, String name) {
        Double v = perTxn.get(name);
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String costMedian(List<Map<String, Double>> cs, String name) {
        if (cs.isEmpty() || !cs.get(0).containsKey(name)) return "–";
        return String.format(Locale.ROOT, "%.2f", ClosedLoop.median(cs, m -> m.get(name)));
    }

    private static double med(List<ClosedLoop.Result> rs) {
        return rs == null ? Double.NaN : ClosedLoop.median(rs, ClosedLoop.Result::opsPerSecond);
    }

    static String account(String run, int client, String side) {
        return run + "-" + client + "-" + side;
    }

    /** Where client c's account of side "a" or "b" is: {keyspace, key}. */
    private interface Accounts {
        String[] of(int client, String side);
    }

    /** One transaction: the participants read and lock both accounts, then add; aborted is an error. */
    private static Transfer dsys(Http http, String txnUrl, Accounts accounts, LocalAccounts local, String protocol) {
        return (client, n) -> {
            String[] from = accounts.of(client, n % 2 == 0 ? "a" : "b"), to = accounts.of(client, n % 2 == 0 ? "b" : "a");
            ObjectNode body = Http.JSON.createObjectNode().put("protocol", protocol);
            ArrayNode ops = body.putArray("operations");
            ops.addObject().put("keyspace", from[0]).put("key", from[1]).put("op", "add").put("value", "-1");
            ops.addObject().put("keyspace", to[0]).put("key", to[1]).put("op", "add").put("value", "1");
            JsonNode r = http.post(txnUrl + "/api/txn", body.toString(), null);
            if (!"committed".equals(r.path("outcome").asText())) throw new IOException("not committed: " + r);
            if (local != null) { // txn-1 says who acted for the accounts: each the node that alone keeps its keyspace
                List<String> want = java.util.stream.Stream.of(from[0], to[0]).map(k -> k.substring(LocalAccounts.PREFIX.length())).sorted().toList();
                List<String> got = new ArrayList<>();
                r.path("participants").forEach(x -> got.add(x.asText()));
                if (!want.equals(got.stream().sorted().toList())) {
                    throw new IOException("participants " + got + ", not the accounts' own nodes " + want
                            + " (is --participants txn-1's dsys.txn.participants, in its order?)");
                }
            }
        };
    }

    /** etcd's client-side transaction: read both (one txn of two ranges), then compare both revisions and put both. */
    private static Transfer etcd(Http http, List<String> members, String run) {
        return (client, n) -> {
            String member = members.get(client % members.size());
            String from = account(run, client, n % 2 == 0 ? "a" : "b"), to = account(run, client, n % 2 == 0 ? "b" : "a");
            ObjectNode read = Http.JSON.createObjectNode();
            ArrayNode success = read.putArray("success");
            for (String k : List.of(from, to)) success.addObject().putObject("request_range").put("key", b64(k));
            JsonNode got = http.post(member + "/v3/kv/txn", read.toString(), null).path("responses");
            JsonNode a = got.get(0).path("response_range").path("kvs").get(0), b = got.get(1).path("response_range").path("kvs").get(0);
            long va = Long.parseLong(new String(Base64.getDecoder().decode(a.path("value").asText()), UTF_8));
            long vb = Long.parseLong(new String(Base64.getDecoder().decode(b.path("value").asText()), UTF_8));
            ObjectNode write = Http.JSON.createObjectNode();
            ArrayNode compare = write.putArray("compare");
            compare.addObject().put("key", b64(from)).put("target", "MOD").put("result", "EQUAL").put("mod_revision", a.path("mod_revision").asText());
            compare.addObject().put("key", b64(to)).put("target", "MOD").put("result", "EQUAL").put("mod_revision", b.path("mod_revision").asText());
            ArrayNode puts = write.putArray("success");
            puts.addObject().putObject("request_put").put("key", b64(from)).put("value", b64(Long.toString(va - 1)));
            puts.addObject().putObject("request_put").put("key", b64(to)).put("value", b64(Long.toString(vb + 1)));
            JsonNode w = http.post(member + "/v3/kv/txn", write.toString(), null);
            if (!w.path("succeeded").asBoolean(false)) throw new IOException("etcd txn compare failed: " + w);
        };
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
    }
}
