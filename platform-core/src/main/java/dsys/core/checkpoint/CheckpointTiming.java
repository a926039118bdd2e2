package dsys.core.checkpoint;

import java.time.Duration;

/**
 * {@code retry}: how often unanswered protocol messages go again and channels are probed for losses.
 * {@code roundTimeout}: how long the two-phase coordinator waits for every acknowledgement of a
 * CHECKPOINT_REQUEST before it aborts the round (a crashed or cut-off process must not block everyone's sending).
 */
public record CheckpointTiming(Duration retry, Duration roundTimeout) {

    public static final CheckpointTiming DEFAULT = new CheckpointTiming(Duration.ofMillis(100), Duration.ofMillis(2000));
}
