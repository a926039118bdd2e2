package dsys.core.checkpoint;

import dsys.core.message.Message;

import java.util.List;

/** Between the bank processes of independent checkpointing and the recovery manager. */
public final class IndependentMessages {

    private IndependentMessages() {
    }

    /** Recovery {@code round}: report your checkpoints; a process that did not fail first checkpoints its current state. */
    public record CheckpointsQuery(long round) implements Message {
    }

    /** The number of the latest stable checkpoint, and every dependency recorded up to it. */
    public record CheckpointsReport(long round, int latest, List<Dependency> dependencies) implements Message {
    }

    /** Roll back to checkpoint {@code checkpoint}, the recovery line's for you, and run in epoch {@code epoch}. */
    public record RollBack(long epoch, int checkpoint) implements Message {
    }

    public record RolledBack(long epoch) implements Message {
    }

    /** From a process back from a crash, until it is rolled back; {@code epoch}: the latest it ran in. */
    public record NeedRecovery(long epoch) implements Message {
    }
}
