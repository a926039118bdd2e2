package dsys.core.multicast;

import dsys.core.message.Message;

import java.util.List;

/** What {@link AtomicMulticast} members send each other. Every message names the view it belongs to. */
public final class AtomicMessages {

    private AtomicMessages() {
    }

    /** An origin's message {@code seq}, to be ordered by the view's coordinator; repeated until it is ordered. */
    public record Submit(ViewId view, String origin, long seq, String payload) implements Message {
    }

    /** The coordinator's multicast of a message at position {@code position} of the view's total order. */
    public record Ordered(ViewId view, long position, String origin, long seq, String payload) implements Message {
    }

    /** A member has every ordered message of the view up to {@code upTo}. */
    public record OrderAck(ViewId view, long upTo) implements Message {
    }

    /** Every member of the view has the messages up to {@code upTo}: they are stable and may be delivered. */
    public record Stable(ViewId view, long upTo) implements Message {
    }

    /** I am alive, in {@code view}; the coordinator adds what is stable. */
    public record Heartbeat(ViewId view, long stable) implements Message {
    }

    /**
     * The flush of a view change to {@code proposal} (its {@code members}): the sender's unstable messages of the view
     * it has installed, sent to every member of the proposal. The coordinator's own flush announces the change; a
     * member installs the proposed view once it has the flushes of all its members.
     */
    public record Flush(ViewId proposal, List<String> members, ViewId installed, List<Ordered> unstable)
            implements Message {
    }

    /** How a view was installed: the view before, the view after, and the messages of the view before delivered at it. */
    public record InstallRecord(ViewId from, View to, List<Ordered> flushed) {
    }

    /** For a member that is behind: the installs since its view, to replay in order. */
    public record Installed(List<InstallRecord> records) implements Message {
    }
}
