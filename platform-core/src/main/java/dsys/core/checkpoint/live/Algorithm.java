package dsys.core.checkpoint.live;

import java.util.Locale;

/** The three ways to a consistent global state of the wrapped cores (names as the REST API spells them). */
public enum Algorithm {
    INDEPENDENT, COORDINATED, SNAPSHOT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The algorithm named {@code label}, or null. */
    public static Algorithm parse(String label) {
        if (label == null) return null;
        for (Algorithm a : values()) if (a.label().equals(label)) return a;
        return null;
    }
}
