package dsys.verifier.history;

import java.util.Locale;

/** Line types of a history: an invocation and its three possible completions. */
public enum OpType {
    INVOKE, OK, FAIL, INFO;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns null for anything else, so the reader can name the bad field. */
    public static OpType parse(String s) {
        for (OpType t : values()) {
            if (t.json().equals(s)) return t;
        }
        return null;
    }
}
