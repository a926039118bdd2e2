package dsys.verifier.linear;

import java.util.Locale;

/**
 * What the search of one key did: {@code steps} (calls tried), {@code configurations}
 * (distinct (linearized set, state) pairs memoized), {@code deepest} (most ops linearized at
 * once, of {@code ops}), and which budget ran out, if any (then the key is unknown).
 */
public record SearchStats(int ops, long steps, long configurations, int deepest, Exhausted exhausted) {

    public enum Exhausted { TIME, MEMORY }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d configurations, %,d steps, deepest %,d of %,d ops", configurations, steps, deepest, ops);
    }
}
