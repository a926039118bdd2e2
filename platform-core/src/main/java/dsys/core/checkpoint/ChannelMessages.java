package dsys.core.checkpoint;

import dsys.core.message.Message;

/**
 * What bank processes send each other. {@link Transfer}s and {@link Marker}s travel on the channel from one process
 * to another: numbered per channel so that the receiver delivers them once each and in the order sent (FIFO, which
 * the Chandy–Lamport snapshot needs and the simulated network does not give), and tagged with the recovery
 * {@code epoch} so that what was in flight before a rollback cannot be taken for what is sent after it.
 * {@link Probe} and {@link Resend} repair the channel: they carry no money and change no process state.
 */
public final class ChannelMessages {

    private ChannelMessages() {
    }

    /** A message on a FIFO channel: {@code seq} is its position on the channel from its sender to its receiver. */
    public sealed interface OnChannel extends Message permits Transfer, Marker {
        long epoch();

        long seq();
    }

    /**
     * Money from the sender to the receiver. {@code interval}: the sender's checkpoint interval when it sent it
     * (the number of its latest checkpoint), piggybacked for independent checkpointing's dependency record.
     */
    public record Transfer(long epoch, long seq, String id, long amount, int interval) implements OnChannel {
    }

    /** Chandy–Lamport's marker of snapshot {@code snapshot}: everything before it on the channel is before the cut. */
    public record Marker(long epoch, long seq, String snapshot) implements OnChannel {
    }

    /** "I have sent you {@code sent} messages": a receiver that has delivered fewer asks for the rest. */
    public record Probe(long epoch, long sent) implements Message {
    }

    /** "Send again from {@code from} on": a gap (a lost message, or a rollback's in-transit messages) to fill. */
    public record Resend(long epoch, long from) implements Message {
    }
}
