package dsys.time.sync;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The physical clock synchronization algorithms of notes §4. */
public enum Algorithm {
    CRISTIAN, BERKELEY, AVERAGING, NTP;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Algorithm> parse(String s) {
        if (s == null) return Optional.empty();
        return Arrays.stream(values()).filter(a -> a.wire().equals(s.trim().toLowerCase(Locale.ROOT))).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Algorithm::wire).toList();
    }
}
