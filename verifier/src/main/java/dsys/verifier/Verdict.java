package dsys.verifier;

import java.util.Locale;

/** Outcome of a check. The exit codes follow Maelstrom: 0 valid, 1 invalid, 2 unknown. */
public enum Verdict {
    VALID(0), INVALID(1), UNKNOWN(2);

    private final int exitCode;

    Verdict(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Invalid beats unknown beats valid: one proven violation decides the whole history. */
    public Verdict and(Verdict other) {
        if (this == INVALID || other == INVALID) return INVALID;
        if (this == UNKNOWN || other == UNKNOWN) return UNKNOWN;
        return VALID;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
