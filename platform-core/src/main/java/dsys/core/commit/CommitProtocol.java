package dsys.core.commit;

import java.util.Locale;

/** Which atomic commit protocol a transaction runs: two-phase (blocking) or three-phase (PRECOMMIT, non-blocking). */
public enum CommitProtocol {
    TWO_PHASE("2pc"), THREE_PHASE("3pc");

    private final String label;

    CommitProtocol(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** "2pc" or "3pc"; IllegalArgumentException naming both otherwise. */
    public static CommitProtocol parse(String s) {
        for (CommitProtocol p : values()) if (p.label.equals(s == null ? "" : s.toLowerCase(Locale.ROOT))) return p;
        throw new IllegalArgumentException("protocol is 2pc or 3pc, got '" + s + "'");
    }
}
