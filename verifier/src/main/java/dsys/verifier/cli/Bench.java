package dsys.verifier.cli;

import dsys.verifier.Verdict;
import dsys.verifier.gen.Mutations;
import dsys.verifier.gen.RandomHistories;
import dsys.verifier.history.History;
import dsys.verifier.linear.LinearizabilityChecker;
import dsys.verifier.linear.LinearizabilityResult;
import dsys.verifier.linear.Models;
import dsys.verifier.linear.SearchStats;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench}: generates a history of a real register under random concurrency (valid by
 * construction; with {@code --stale-read} one read is made certainly stale, so invalid) and
 * times the linearizability check: verdict, time, and the size of the search (configurations
 * memoized, calls tried). Each repeat checks the same history; the first run includes JIT
 * warm-up. An unknown verdict prints which budget ran out and how far the search got.
 */
final class Bench {
    private Bench() {
    }

    static int run(Args a, PrintStream out) {
        int ops = (int) a.number("--ops", 10_000);
        int keys = (int) a.number("--keys", 10);
        int processes = (int) a.number("--processes", 10);
        long seed = a.number("--seed", 1);
        double crash = a.decimal("--crash-rate", 0.0);
        int repeat = (int) a.number("--repeat", 1);
        String model = a.get("--model") == null ? "register" : a.get("--model");
        if (ops < 1 || keys < 1 || processes < 1 || repeat < 1) throw new UsageException("--ops, --keys, --processes and --repeat must be positive");
        long t0 = System.nanoTime();
        History h = switch (model) {
            case "register" -> RandomHistories.register(seed, ops, keys, processes, crash);
            case "cas-register" -> RandomHistories.casRegister(seed, ops, keys, processes, crash);
            default -> throw new UsageException("bench supports register and cas-register, not " + model);
        };
        if (a.has("--stale-read")) {
            h = Mutations.staleRead(h, new SplittableRandom(seed)).orElseThrow(() -> new UsageException("no read to make stale"));
        }
        out.printf("generated %d ops (%d lines) over %d keys, %d processes, crash rate %.2f, seed %d%s in %d ms%n",
                h.calls().size(), h.size(), keys, processes, crash, seed, a.has("--stale-read") ? ", one stale read" : "",
                (System.nanoTime() - t0) / 1_000_000);
        LinearizabilityChecker checker = new LinearizabilityChecker(Models.byName(model),
                Duration.ofMillis(a.number("--budget-ms", LinearizabilityChecker.DEFAULT_TIME.toMillis())), LinearizabilityChecker.DEFAULT_MEMORY);
        int exit = 0;
        for (int i = 1; i <= repeat; i++) {
            long start = System.nanoTime();
            LinearizabilityResult r = checker.check(h);
            long steps = r.stats().values().stream().mapToLong(SearchStats::steps).sum();
            out.printf(Locale.ROOT, "run %d: %s in %d ms (%,d ops, %d key%s, %,d configurations, %,d steps)%n", i,
                    r.verdict().label(), (System.nanoTime() - start) / 1_000_000, r.calls(), r.keys().size(),
                    r.keys().size() == 1 ? "" : "s",
                    r.configurations(), steps);
            if (r.verdict() == Verdict.UNKNOWN) out.println(r);
            exit = r.verdict().exitCode();
        }
        return exit;
    }
}
