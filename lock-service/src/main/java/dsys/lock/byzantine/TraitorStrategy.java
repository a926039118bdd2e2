package dsys.lock.byzantine;

import java.util.List;
import java.util.SplittableRandom;

/**
 * How a traitor lies. Each report a traitor sends goes through here: {@code path} names what is reported (empty in
 * round 1: the traitor's own value; [k] in round 2: what k told it, ...), {@code truth} is what a loyal general
 * would send. A lie depends only on its arguments, so the same run gives the same lies whether the generals are
 * simulated in one request or are real nodes exchanging messages in any order.
 */
@FunctionalInterface
public interface TraitorStrategy {

    String report(int round, int traitor, int to, List<Integer> path, String truth);

    /** Arbitrary lies drawn from {@code domain} (true values make the worst lies: they build false majorities). */
    static TraitorStrategy random(long seed, List<String> domain) {
        List<String> choices = List.copyOf(domain);
        return (round, traitor, to, path, truth) -> {
            long h = seed;
            h = mix(h, round);
            h = mix(h, traitor);
            h = mix(h, to);
            for (int p : path) h = mix(h, p + 1);
            SplittableRandom r = new SplittableRandom(h);
            return r.nextInt(choices.size() + 1) == 0 ? truth : choices.get(r.nextInt(choices.size()));
        };
    }

    /**
     * The textbook figure the notes follow (Tanenbaum, "Byzantine generals"): in round 1 the traitor tells the
     * others x, y, z, … (one letter each, in order); in round 2 it sends the i-th other general a vector of fresh
     * letters, a b c d to the first, e f g h to the second, … (element k gets letter i·n + k).
     */
    static TraitorStrategy letters(int n) {
        return (round, traitor, to, path, truth) -> {
            int order = to < traitor ? to : to - 1; // position of {@code to} among the other generals
            if (round == 1) return order < 3 ? String.valueOf((char) ('x' + order)) : "w" + order;
            if (round == 2) {
                int i = order * n + path.get(0);
                return i < 26 ? String.valueOf((char) ('a' + i)) : "a" + i;
            }
            return "r" + round + "-" + to + "-" + path;
        };
    }

    private static long mix(long h, long v) {
        long z = (h ^ v) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }
}
