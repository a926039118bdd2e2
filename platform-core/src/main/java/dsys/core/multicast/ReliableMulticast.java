package dsys.core.multicast;

import dsys.core.message.Message;
import dsys.core.node.NodeId;

/**
 * The three reliable multicast schemes as one embedding contract. Every message a member multicasts reaches every
 * member of the group that is up often enough, once, in the order its origin sent it (FIFO per origin). The
 * history buffer, the receivers' positions and the sequence numbers are on the node's disk, so a member that
 * crashes and comes back neither loses nor repeats deliveries.
 */
public interface ReliableMulticast {

    /** Reads the disk and arms the periodic timer; call from the host core's onStart and onRecover. */
    void start();

    /** Sends {@code payload} to the group (the caller delivers it too, through the callback); its sequence number. */
    long multicast(String payload);

    /** Handles one of this scheme's messages; false for anything else (the host core's own messages). */
    boolean onMessage(NodeId from, Message m);

    /** Handles one of this scheme's timers; false for anything else. */
    boolean onTimer(Object timer);

    /** What this member has sent as feedback so far (acknowledgements, retransmission requests). */
    FeedbackCount feedback();
}
