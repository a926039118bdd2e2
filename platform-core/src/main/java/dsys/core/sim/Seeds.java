package dsys.core.sim;

import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * Runs a randomized test over seeds 1..count. {@code -Ddsys.seeds=N} changes the count; {@code -Ddsys.seed=S} runs
 * only seed S, to replay a failure. The first failing seed stops the run and is named in the error.
 */
public final class Seeds {

    private Seeds() {
    }

    public static void run(String name, int count, LongConsumer body) {
        run(name, count, body, System::getProperty);
    }

    /** The same, reading the two settings from {@code property} (tests use this instead of System properties). */
    static void run(String name, int count, LongConsumer body, Function<String, String> property) {
        String only = property.apply("dsys.seed");
        if (only != null && !only.isBlank()) {
            runOne(name, parse("dsys.seed", only), body);
            return;
        }
        String n = property.apply("dsys.seeds");
        long seeds = n == null || n.isBlank() ? count : parse("dsys.seeds", n);
        for (long seed = 1; seed <= seeds; seed++) runOne(name, seed, body);
    }

    /**
     * {@link #run(String, int, LongConsumer)} for a body that returns {@code counts} counts (what happened in its
     * schedule): their sums over every seed run, element by element, so a test can assert that the case it is for
     * actually occurred.
     */
    public static long[] sum(String name, int count, int counts, LongFunction<long[]> body) {
        return sum(name, count, counts, body, System::getProperty);
    }

    /** The same, reading the two settings from {@code property}. */
    static long[] sum(String name, int count, int counts, LongFunction<long[]> body, Function<String, String> property) {
        long[] totals = new long[counts];
        run(name, count, seed -> {
            long[] t = body.apply(seed);
            for (int i = 0; i < counts; i++) totals[i] += t[i];
        }, property);
        return totals;
    }

    private static void runOne(String name, long seed, LongConsumer body) {
        try {
            body.accept(seed);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(name + ": seed " + seed + " failed (replay with -Ddsys.seed=" + seed + "): "
                    + e.getMessage(), e);
        }
    }

    private static long parse(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + key + " must be a number, was '" + value + "'", e);
        }
    }
}
