package dsys.verifier.history;

/**
 * One history line. {@code time} is the recording client's monotonic clock in ns; ordering
 * between processes uses {@code index} (the journal order), because clocks of different
 * clients are not comparable. {@code key} is null for single-object histories; {@code value}
 * is a normalized JSON value (see {@link Values}).
 * <p>Optional, absent from most histories: {@code session}, the client session whose token and
 * requested guarantees the call carried (null: none asked for); {@code version}, on an ok
 * completion the version the service reported (a read's ETag, a write's assigned version).
 */
public record Op(long index, long time, String process, String node, OpType type, String f,
                 String key, Object value, String error, String session, String version) {

    public static final String NEMESIS = "nemesis";

    public Op {
        if (process == null) throw new IllegalArgumentException("process is required");
        if (type == null) throw new IllegalArgumentException("type is required");
        if (f == null) throw new IllegalArgumentException("f is required");
        value = Values.normalize(value);
    }

    /** A line without session or version, as most histories have. */
    public Op(long index, long time, String process, String node, OpType type, String f,
              String key, Object value, String error) {
        this(index, time, process, node, type, f, key, value, error, null, null);
    }

    public boolean isNemesis() {
        return NEMESIS.equals(process);
    }

    public Op withValue(Object newValue) {
        return new Op(index, time, process, node, type, f, key, newValue, error, session, version);
    }

    @Override
    public String toString() {
        return HistoryWriter.toJson(this);
    }
}
