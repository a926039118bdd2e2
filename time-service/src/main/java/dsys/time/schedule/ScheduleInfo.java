package dsys.time.schedule;

/** The schedule in force on a node, with the interval the last round's figures gave. */
public record ScheduleInfo(boolean active, String node, String algorithm, long maxSkewNanos, double rhoPpm,
                           long notesIntervalNanos, long intervalNanos, long rounds, long lastSkewNanos) {

    public static ScheduleInfo none(String node) {
        return new ScheduleInfo(false, node, null, 0, 0, 0, 0, 0, 0);
    }
}
