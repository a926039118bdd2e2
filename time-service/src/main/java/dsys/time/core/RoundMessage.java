package dsys.time.core;

import dsys.core.message.Message;

/** A message that belongs to one sync round, so that each node can count what a round cost. */
public interface RoundMessage extends Message {

    String round();

    /** Control messages (start, done, survey) coordinate the lab; they are not part of the algorithm's cost. */
    default boolean control() {
        return false;
    }
}
