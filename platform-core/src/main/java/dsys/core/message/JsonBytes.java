package dsys.core.message;

/**
 * Upper bounds of the bytes a value takes in a message's JSON as the transport writes it (Jackson: UTF-8, quotes
 * and backslashes escaped, control characters as up to 6 bytes, {@code \\u00XX}), so that a core can keep its messages
 * within a byte budget without serialising them. The transport refuses a message line above 2 MiB, and a message
 * cut by an estimate that is too low is dropped again at every retry.
 */
public final class JsonBytes {

    private JsonBytes() {
    }

    /** A JSON string with its quotes, or {@code null}. */
    public static long string(String s) {
        if (s == null) return 4;
        long n = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') n += 2;
            else if (c < 0x20) n += 6;
            else if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isSurrogate(c)) n += 6; // Jackson writes each half of a pair as an escape
            else n += 3;
        }
        return n;
    }

    /** A number in decimal, with its sign. */
    public static long number(long v) {
        if (v == Long.MIN_VALUE) return 20;
        long n = v < 0 ? 2 : 1;
        for (long a = Math.abs(v); a >= 10; a /= 10) n++;
        return n;
    }
}
