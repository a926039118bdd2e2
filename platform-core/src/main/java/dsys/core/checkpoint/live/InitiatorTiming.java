package dsys.core.checkpoint.live;

import java.time.Duration;

/**
 * The initiator's clocks. {@code retry}: how often unanswered control messages go again. {@code roundTimeout}: how
 * long a coordinated round waits for every acknowledgement before it aborts (nodes must not block longer; see
 * {@link ParticipantConfig#blockLimit()}), and an independent query for every report. {@code snapshotDeadline}: how
 * long a snapshot waits for every part before it closes it (then half as long again for the closed parts).
 * {@code restoreDeadline}: for each of a restore's two phases.
 */
public record InitiatorTiming(Duration retry, Duration roundTimeout, Duration snapshotDeadline, Duration restoreDeadline) {

    public static final InitiatorTiming DEFAULT = new InitiatorTiming(Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(3), Duration.ofSeconds(5));

    /** The longest a client waits for an answer of the initiator, with room to spare. */
    public Duration longest() {
        Duration d = roundTimeout.compareTo(snapshotDeadline.multipliedBy(3).dividedBy(2)) > 0 ? roundTimeout
                : snapshotDeadline.multipliedBy(3).dividedBy(2);
        return (d.compareTo(restoreDeadline.multipliedBy(2)) > 0 ? d : restoreDeadline.multipliedBy(2)).plusSeconds(2);
    }
}
