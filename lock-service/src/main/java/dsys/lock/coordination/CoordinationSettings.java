package dsys.lock.coordination;

import java.time.Duration;

/**
 * Timeouts of the coordination core. {@code heartbeatInterval} null turns leader failure detection off.
 * Bully needs coordinatorTimeout &gt; answerTimeout + two message delays (see {@code BullyElection}).
 * {@code quietPeriod}: how long an election request waits after it settled before counting messages.
 */
public record CoordinationSettings(Duration heartbeatInterval, Duration heartbeatTimeout, Duration bullyAnswer,
                                  Duration bullyCoordinator, Duration ringAck, int ringTries, Duration byzantineRound,
                                  Duration requestTimeout, Duration quietPeriod, Duration tallyTimeout) {

    /** Over HTTP between processes on one machine: a message takes a few ms, a GC pause or a slow peer more. */
    public static CoordinationSettings live() {
        return new CoordinationSettings(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMillis(300),
                Duration.ofMillis(800), Duration.ofMillis(300), 2, Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofMillis(300), Duration.ofSeconds(1));
    }

    /** For the simulator's 1–10 ms network. */
    public static CoordinationSettings simulated() {
        return new CoordinationSettings(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMillis(150),
                Duration.ofMillis(400), Duration.ofMillis(100), 2, Duration.ofMillis(200), Duration.ofSeconds(5),
                Duration.ofMillis(100), Duration.ofMillis(200));
    }

    public CoordinationSettings withoutHeartbeats() {
        return new CoordinationSettings(null, null, bullyAnswer, bullyCoordinator, ringAck, ringTries, byzantineRound,
                requestTimeout, quietPeriod, tallyTimeout);
    }
}
