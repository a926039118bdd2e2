package dsys.verifier.history;

/**
 * One history line. {@code time} is the recording client's monotonic clock in ns; ordering
 * between processes uses {@code index} (the journal order), because clocks of different
 * clients are not comparable. {@code key} is null for single-object histories; {@code value}
 * is a normalized JSON value (see {@link Values}).
 */
public record Op(long index, long time, String process, String node, OpType type, String f,
                 String key, Object value, String error) {

    public static final String NEMESIS = "nemesis";

    public Op {
        if (process == null) throw new IllegalArgumentException("process is required");
        if (type == null) throw new IllegalArgumentException("type is required");
        if (f == null) throw new IllegalArgumentException("f is required");
        value = Values.normalize(value);
    }

    public boolean isNemesis() {
        return NEMESIS.equals(process);
    }

    public Op withValue(Object newValue) {
        return new Op(index, time, process, node, type, f, key, newValue, error);
    }

    @Override
    public String toString() {
        return HistoryWriter.toJson(this);
    }
}
