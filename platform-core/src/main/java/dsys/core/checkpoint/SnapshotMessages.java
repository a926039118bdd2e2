package dsys.core.checkpoint;

import dsys.core.message.Message;

/**
 * Around a Chandy–Lamport snapshot (the markers themselves travel on the channels: {@link ChannelMessages.Marker}):
 * collecting the local snapshots at the initiator, and restoring a snapshot everywhere.
 */
public final class SnapshotMessages {

    private SnapshotMessages() {
    }

    /** A process's part of {@code snapshot}: its recorded state and incoming channels ({@link LocalSnapshot} encoded). */
    public record SnapshotPart(String snapshot, String local) implements Message {
    }

    /** From the initiator, until every part is in: send me your part of {@code snapshot} once you have it. */
    public record SnapshotQuery(String snapshot) implements Message {
    }

    /** Become your recorded state of {@code snapshot}, deliver its recorded channel states again, run in {@code epoch}. */
    public record RestoreToSnapshot(String snapshot, long epoch) implements Message {
    }

    public record RestoredToSnapshot(String snapshot, long epoch) implements Message {
    }
}
