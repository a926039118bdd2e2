package dsys.verifier.history;

/**
 * A history or journal that breaks the format. {@code line} is 1-based: the file line when
 * read from a file, else the position of the op in the list plus one.
 */
public class HistoryFormatException extends RuntimeException {
    private final int line;
    private final String field;

    public HistoryFormatException(int line, String field, String detail) {
        super("line " + line + (field == null ? "" : ": field \"" + field + "\"") + ": " + detail);
        this.line = line;
        this.field = field;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }
}
