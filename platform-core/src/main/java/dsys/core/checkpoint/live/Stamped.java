package dsys.core.checkpoint.live;

import dsys.core.message.Message;

/**
 * A message of the wrapped core as {@link CheckpointedCore} sends it: the message itself and what the checkpoint
 * algorithms need to know about its sending. {@code epoch}: the sender's restore generation (a message from before
 * a restore is not delivered after it). {@code color}: the sender's latest recorded snapshot (Lai–Yang's colour: a
 * receiver that has not recorded that snapshot records before it delivers). {@code seq}: the message's number on
 * the channel among those of its colour, from 1 (so a receiver counts each one once, duplicates and reordering
 * aside). {@code interval}: the sender's latest independent checkpoint (the dependency record of independent
 * checkpointing). Counted and journaled under the wrapped message's type, so message tables do not change.
 */
public record Stamped(long epoch, long color, long seq, int interval, Message inner) implements Message {

    @Override
    public String type() {
        return inner.type();
    }
}
