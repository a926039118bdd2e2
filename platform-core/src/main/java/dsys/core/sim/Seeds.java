package dsys.core.sim;

import java.util.function.Function;
import java.util.function.LongConsumer;

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
