package dsys.core.commit;

import java.time.Duration;

/**
 * How long each side waits. The coordinator gives up on votes after {@code vote} (abort) and, in 3PC, on
 * PRECOMMIT acknowledgements after {@code ack} (it commits: a participant that did not acknowledge is taken
 * for crashed, and learns the outcome when it is back). A participant that voted vote-commit and heard nothing
 * for {@code ready} starts termination; 3PC's termination collects states for {@code window}. Unanswered
 * requests go again every {@code retry}. 3PC is safe only when {@code ready} exceeds the coordinator's whole
 * round (vote + ack + the network's longest delays): a participant must not give the coordinator up while
 * it is alive. That is the synchronous model 3PC assumes, and a partition breaks it (the tests show how).
 */
public record CommitTimeouts(Duration vote, Duration ack, Duration ready, Duration window, Duration retry) {

    /**
     * Live defaults. A vote costs a message each way plus a quorum write per key (and a read for an add): a few ms
     * warm, but hundreds on a cold or loaded 2-core host (500 ms aborted the first transfer after `up`).
     */
    public static final CommitTimeouts DEFAULT = new CommitTimeouts(Duration.ofMillis(2000), Duration.ofMillis(2000),
            Duration.ofMillis(10_000), Duration.ofMillis(1000), Duration.ofMillis(250));
}
