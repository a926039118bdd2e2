package dsys.core.checkpoint.live;

import dsys.core.checkpoint.Dependency;
import dsys.core.message.Message;

import java.util.List;

/**
 * Between the {@link CheckpointInitiator} and the nodes' {@link CheckpointedCore}s. These travel unwrapped (they are
 * not the wrapped core's messages) and a node takes them only from its configured initiator. Named after the notes'
 * messages where the notes name them (CHECKPOINT_REQUEST, CHECKPOINT_DONE).
 */
public final class Control {

    private Control() {
    }

    /** Every message here. */
    public sealed interface ControlMessage extends Message permits SnapshotMarker, SnapshotRecorded, ChannelCounts,
            SnapshotClose, SnapshotPart, CheckpointRequest, CheckpointAck, CheckpointDone, DoneAck, CheckpointsQuery,
            CheckpointsReport, RestorePrepare, RestoreReady, RestoreOrder, RestoreDone {
    }

    /** {@code count} messages sent to {@code node} (or received from it) with colour {@code color}. */
    public record Count(String node, long color, long count) {
    }

    // ------------------------------------------------------------ snapshot (Lai–Yang colours, Chandy–Lamport's cut)

    /** Record your state for snapshot {@code snapshot} if you have not (for nodes no red message reaches). */
    public record SnapshotMarker(long snapshot) implements ControlMessage {
    }

    /** Recorded; {@code sent}: per destination, how many messages of the colour before it this node sent there. */
    public record SnapshotRecorded(long snapshot, List<Count> sent) implements ControlMessage {
    }

    /** Per sender, how many messages of which colour it sent you before it recorded: wait for those. */
    public record ChannelCounts(long snapshot, List<Count> expected) implements ControlMessage {
    }

    /** The snapshot's deadline passed: finish with what you have and name what never came. */
    public record SnapshotClose(long snapshot) implements ControlMessage {
    }

    /** A node's part: its recorded state and incoming channels; {@code failure} when it has none. */
    public record SnapshotPart(long snapshot, Views.LocalSummary state, List<Views.ChannelState> channels,
                               String failure) implements ControlMessage {
    }

    // ------------------------------------------------------------ coordinated (two-phase blocking)

    /**
     * CHECKPOINT_REQUEST of {@code round}: take a tentative checkpoint, hold what you would send, acknowledge.
     * {@code previous} and {@code previousCommitted}: how the round before ended, for a node that missed its DONE.
     */
    public record CheckpointRequest(long round, long previous, boolean previousCommitted) implements ControlMessage {
    }

    public record CheckpointAck(long round, Views.LocalSummary state) implements ControlMessage {
    }

    /** CHECKPOINT_DONE: make the tentative checkpoint permanent ({@code commit}) or discard it; send again. */
    public record CheckpointDone(long round, boolean commit) implements ControlMessage {
    }

    public record DoneAck(long round) implements ControlMessage {
    }

    // ------------------------------------------------------------ independent

    /**
     * Checkpoint your current state and report your checkpoints; forget those below {@code keepFrom} (no recovery
     * line listed at the initiator needs them, and the line only moves forward); keep the data of {@code pinned}
     * (your checkpoints on listed lines).
     */
    public record CheckpointsQuery(long query, int keepFrom, List<Integer> pinned) implements ControlMessage {
        public CheckpointsQuery {
            pinned = pinned == null ? List.of() : List.copyOf(pinned);
        }
    }

    /**
     * {@code base}: the checkpoint this node's current history starts from (its initial state, or what it was
     * restored to); {@code latest}; the dependencies recorded since {@code base}; what each kept checkpoint holds.
     */
    public record CheckpointsReport(long query, int base, int latest, List<Dependency> dependencies,
                                    List<Views.LocalSummary> kept) implements ControlMessage {
    }

    // ------------------------------------------------------------ restore

    /** Do you hold local checkpoint {@code local} (your part of {@code id}) in full? Nothing changes yet. */
    public record RestorePrepare(String id, String local) implements ControlMessage {
    }

    /** {@code missing} null: ready; else why not. */
    public record RestoreReady(String id, String local, String missing) implements ControlMessage {
    }

    /** Become local checkpoint {@code local} and run in {@code epoch} from now on. */
    public record RestoreOrder(String id, String local, long epoch) implements ControlMessage {
    }

    public record RestoreDone(String id, long epoch, Views.RestoredPart part, String failure) implements ControlMessage {
    }
}
