package dsys.lock.tokenring;

import dsys.core.message.Message;
import dsys.core.node.NodeId;

/** Notes §6.3 per lock: the token (with its fencing counter and hop count), a wake-up, and "busy, still here". */
public final class RingMessages {

    private RingMessages() {
    }

    /**
     * {@code hop} grows with every pass: a node drops a token whose hop it has already seen (duplicates).
     * {@code parks} counts how often it rested, so a node can tell an uninterrupted round. {@code rest} is the node
     * where it rests when a whole round finds nobody who wants it: the node of its last grant (its home before any).
     */
    public record RingToken(long epoch, String name, long counter, long hop, long parks, NodeId rest) implements Message {
    }

    /** Ask for a parked token to circulate again (sent where it was last seen to rest, later to everyone). */
    public record Wake(long epoch, String name) implements Message {
    }

    /** The token is here, in use: the waiter should not think it lost. */
    public record TokenBusy(long epoch, String name) implements Message {
    }
}
