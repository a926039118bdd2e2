package dsys.core.checkpoint;

import java.util.SortedMap;

/** What clients ask the processes, coordinators and managers of this package, and what they answer. */
public final class CheckpointRequests {

    private CheckpointRequests() {
    }

    /** To a bank process: send {@code amount} to process {@code to}; {@code id} names the transfer everywhere. */
    public record Pay(String id, String to, long amount) {
    }

    public record Paid(String id, long balance) {
    }

    /** To a bank process: its current state. */
    public record Inspect() {
    }

    /** {@code frozen}: back from a crash (or asked for its checkpoints), it waits to be rolled back. */
    public record View(String node, long epoch, boolean frozen, ProcessState state) {
    }

    /** Independent checkpointing, to a process: take a local checkpoint now. Coordinated, to the coordinator: run a round. */
    public record TakeCheckpoint() {
    }

    /** Independent: the local checkpoint taken. */
    public record Checkpointed(int index) {
    }

    /** Coordinated: how the round ended; a committed round is the latest global checkpoint. */
    public record RoundOutcome(long round, boolean committed) {
    }

    /**
     * To the recovery manager (independent) or the coordinator (coordinated): roll every process back, to the
     * recovery line or to the latest global checkpoint.
     */
    public record Recover() {
    }

    /** Independent: the recovery line every process was rolled back to (checkpoint number per process). */
    public record RecoveryOutcome(long epoch, SortedMap<String, Integer> line) {
    }

    /** Coordinated: the global checkpoint (round) every process was rolled back to. */
    public record Restored(long epoch, long checkpoint) {
    }

    /** To a bank process running Chandy–Lamport: start a distributed snapshot; answered with the {@link GlobalSnapshot}. */
    public record StartSnapshot() {
    }

    /** To the initiator of a completed snapshot: roll every process back to it. */
    public record RestoreSnapshot(String snapshot) {
    }

    public record SnapshotRestored(String snapshot, long epoch) {
    }
}
