package dsys.launcher.warmup;

import dsys.launcher.Options;
import dsys.launcher.bench.Http;
import dsys.launcher.jvm.JitCpu;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code warmup}: load through the gateway right after {@code ./platform up} until the JIT of the request path's
 * JVMs has settled, so that the first requests a user sends find compiled code. Freshly started, a lock
 * acquire+release ran at 5 ops/s in its first 10 s and reached its warm ~600 only after two minutes of load: the
 * compiler threads took half of those JVMs' CPU all that time (lock-service/README.md, "Warm-up in up").
 *
 * <p>Clients: acquire+release on a lock of their own, two on one shared lock (the queue), and put+get on a kv key of
 * their own in the {@code default} keyspace (deleted afterwards). Every {@link #WINDOW} it prints the rates and the
 * compilers' share of the watched JVMs' CPU ({@link JitCpu}); it stops once that share stayed under
 * {@code --settled-share} for two windows in a row (after {@code --min-seconds}), or at {@code --seconds}.
 */
public final class WarmupCommand {

    static final Duration WINDOW = Duration.ofSeconds(5);
    private static final Pattern TOKEN = Pattern.compile("\"fencingToken\"\\s*:\\s*(\\d+)");

    private WarmupCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> o = Options.parse(args);
        String gateway = o.getOrDefault("gateway", "http://127.0.0.1:8080");
        long maxSeconds = Long.parseLong(o.getOrDefault("seconds", "150"));
        long minSeconds = Long.parseLong(o.getOrDefault("min-seconds", "20"));
        double settled = Double.parseDouble(o.getOrDefault("settled-share", "0.12"));
        boolean locks = Boolean.parseBoolean(o.getOrDefault("locks", "true"));
        boolean kv = Boolean.parseBoolean(o.getOrDefault("kv", "true"));
        Map<String, Long> jvms = JitCpu.jvms(o.getOrDefault("jvms", ""));
        if (maxSeconds <= 0) return 0;

        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        Http http = new Http();
        LongAdder lockOps = new LongAdder(), kvOps = new LongAdder(), errors = new LongAdder();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Thread> clients = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Stop stop = new Stop(System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos());
        if (locks) {
            for (int c = 0; c < 6; c++) clients.add(lockClient(http, gateway, "warmup-" + run + "-" + c, "warmup-" + c, stop, lockOps, errors, firstError));
            for (int c = 0; c < 2; c++) clients.add(lockClient(http, gateway, "warmup-" + run + "-shared", "warmup-s" + c, stop, lockOps, errors, firstError));
        }
        if (kv) {
            for (int c = 0; c < 2; c++) {
                String key = "warmup-" + run + "-" + c;
                keys.add(key);
                clients.add(kvClient(http, gateway, key, stop, kvOps, errors, firstError));
            }
        }
        out.printf("warming the request path (%s through the gateway) until the JIT settles, at most %d s (WARMUP_SECONDS=0 skips it)%n",
                locks && kv ? "locks and kv" : locks ? "locks" : "kv", maxSeconds);
        clients.forEach(Thread::start);

        JitCpu.Ticks before = JitCpu.of(jvms);
        long started = System.nanoTime(), lastLocks = 0, lastKv = 0;
        List<Double> shares = new ArrayList<>();
        String verdict = "stopped at the limit";
        while (!stop.due()) {
            Thread.sleep(WINDOW.toMillis());
            JitCpu.Ticks now = JitCpu.of(jvms);
            JitCpu.Ticks window = now.minus(before);
            before = now;
            shares.add(window.all() > 0 ? window.share() : Double.NaN);
            long l = lockOps.sum(), k = kvOps.sum();
            double secs = WINDOW.toMillis() / 1000.0, elapsed = (System.nanoTime() - started) / 1e9;
            out.printf(Locale.ROOT, "  %3.0f s: %s%s%s%n", elapsed,
                    locks ? String.format(Locale.ROOT, "%.0f lock ops/s ", (l - lastLocks) / secs) : "",
                    kv ? String.format(Locale.ROOT, "%.0f kv ops/s ", (k - lastKv) / secs) : "",
                    jvms.isEmpty() ? "" : String.format(Locale.ROOT, "JIT %.0f%% of the CPU of %s", 100 * window.share(), String.join(", ", jvms.keySet())));
            lastLocks = l;
            lastKv = k;
            if (elapsed >= minSeconds && settled(shares, settled)) {
                verdict = "the JIT settled";
                break;
            }
        }
        stop.now();
        for (Thread t : clients) t.join(Duration.ofSeconds(35).toMillis());
        for (String key : keys) send(http, "DELETE", gateway + "/api/kv/default/" + key, null, null);
        out.printf(Locale.ROOT, "warm-up done after %.0f s (%s): %d lock ops, %d kv ops, %d errors%s%n",
                (System.nanoTime() - started) / 1e9, verdict, lockOps.sum(), kvOps.sum(), errors.sum(),
                firstError.get() == null ? "" : " (first: " + firstError.get() + ")");
        return 0;
    }

    /**
     * Settled: the compilers took less than {@code limit} of the watched CPU in each of the last two windows. No JVM
     * to watch, or a window in which none of them ran (gone), never settles: the limit stops it then.
     */
    static boolean settled(List<Double> shares, double limit) {
        if (shares.size() < 2) return false;
        double a = shares.get(shares.size() - 1), b = shares.get(shares.size() - 2);
        return a < limit && b < limit; // NaN compares false
    }

    /** The clients' shared deadline, brought forward when the JIT has settled. */
    private static final class Stop {
        private volatile long end;

        Stop(long end) {
            this.end = end;
        }

        boolean due() {
            return System.nanoTime() >= end;
        }

        void now() {
            end = System.nanoTime();
        }
    }

    private static Thread lockClient(Http http, String gateway, String name, String owner, Stop stop,
                                     LongAdder ops, LongAdder errors, AtomicReference<String> firstError) {
        String base = gateway + "/api/locks/" + name;
        return client("warmup-lock-" + owner, stop, errors, firstError, () -> {
            String granted = send(http, "POST", base + "/acquire",
                    "{\"owner\":\"" + owner + "\",\"leaseMs\":10000,\"waitMs\":30000}", "application/json");
            Matcher m = TOKEN.matcher(granted);
            if (!m.find()) throw new IllegalStateException("acquire answered without a fencing token: " + granted);
            send(http, "POST", base + "/release", "{\"owner\":\"" + owner + "\",\"fencingToken\":" + m.group(1) + "}", "application/json");
            ops.increment();
        });
    }

    private static Thread kvClient(Http http, String gateway, String key, Stop stop, LongAdder ops,
                                   LongAdder errors, AtomicReference<String> firstError) {
        String url = gateway + "/api/kv/default/" + key;
        return client("warmup-kv-" + key, stop, errors, firstError, () -> {
            send(http, "PUT", url, "warm " + System.nanoTime(), "application/octet-stream");
            send(http, "GET", url, null, null);
            ops.add(2);
        });
    }

    private interface Op {
        void call() throws Exception;
    }

    private static Thread client(String name, Stop stop, LongAdder errors, AtomicReference<String> firstError, Op op) {
        Thread t = new Thread(() -> {
            while (!stop.due()) {
                try {
                    op.call();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    errors.increment();
                    firstError.compareAndSet(null, e.getMessage());
                    try {
                        Thread.sleep(200); // a refusing service is not hammered
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    private static String send(Http http, String method, String url, String body, String type) throws Exception {
        return http.send(url, method, type, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
    }
}
