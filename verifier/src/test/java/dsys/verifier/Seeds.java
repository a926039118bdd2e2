package dsys.verifier;

import java.util.function.LongConsumer;

/**
 * Runs a randomized case per seed and names the seed of a failure. Replay one case with
 * {@code -Ddsys.seed=N}; scale the count with {@code -Ddsys.seeds=N}.
 */
public final class Seeds {
    private Seeds() {
    }

    public static void forEach(int defaultCount, LongConsumer body) {
        String one = System.getProperty("dsys.seed");
        if (one != null) {
            run(Long.parseLong(one), body);
            return;
        }
        int count = Integer.getInteger("dsys.seeds", defaultCount);
        for (long seed = 1; seed <= count; seed++) run(seed, body);
    }

    /** False when replaying one seed: then assertions about the mix of cases do not apply. */
    public static boolean fullRun() {
        return System.getProperty("dsys.seed") == null;
    }

    private static void run(long seed, LongConsumer body) {
        try {
            body.accept(seed);
        } catch (AssertionError | RuntimeException e) {
            AssertionError failure = new AssertionError("failed with seed " + seed + " (replay with -Ddsys.seed=" + seed + "): "
                    + e.getMessage(), e);
            System.err.println(failure.getMessage());
            throw failure;
        }
    }
}
