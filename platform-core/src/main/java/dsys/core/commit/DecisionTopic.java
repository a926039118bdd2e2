package dsys.core.commit;

import java.util.List;

/**
 * Where a coordinator also publishes every decision it logs, and so does a 3PC participant that the termination
 * protocol elected to decide in its place: the notes' persistent messaging. The topic keeps a
 * decision whether or not its readers are up, so a participant that was down while it was decided reads it when it
 * starts again, even while the coordinator is down and the other participants are unreachable (where cooperative
 * termination would leave it blocked). Live this is the Kafka topic {@value #NAME}.
 *
 * <p>A decision may be published more than once (again after the coordinator's recovery, since it may have crashed
 * between its log and the topic; by a terminating participant and then by the coordinator that learns it); readers
 * are idempotent: a participant ignores a decision it already has.
 */
@FunctionalInterface
public interface DecisionTopic {

    String NAME = "dsys.txn.decisions";

    /** A coordinator without a topic: decisions travel only as messages. */
    DecisionTopic NONE = d -> {
    };

    /**
     * One decision as published; also the request that hands it to a {@link CommitParticipant}. {@code coordinator}:
     * who decided (the coordinator, or the participant 3PC's termination elected).
     */
    record Published(String txn, boolean commit, String coordinator, List<String> participants) {
        public Published {
            participants = List.copyOf(participants);
        }
    }

    void publish(Published decision);
}
