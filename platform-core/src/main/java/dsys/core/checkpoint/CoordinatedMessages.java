package dsys.core.checkpoint;

import dsys.core.message.Message;

/** The two-phase blocking protocol of coordinated checkpointing (the notes' names), and its recovery. */
public final class CoordinatedMessages {

    private CoordinatedMessages() {
    }

    /** Phase 1, CHECKPOINT_REQUEST: take a tentative checkpoint, then hold every message you would send. */
    public record CheckpointRequest(long round) implements Message {
    }

    /** The tentative checkpoint of {@code round} is on stable storage and sending is blocked. */
    public record CheckpointAck(long round) implements Message {
    }

    /**
     * Phase 2, CHECKPOINT_DONE: every process acknowledged, the tentative checkpoints form the new global
     * checkpoint ({@code commit}); or the round is aborted and they are discarded. Either way: send again.
     */
    public record CheckpointDone(long round, boolean commit) implements Message {
    }

    public record DoneAck(long round) implements Message {
    }

    /**
     * Roll back to the global checkpoint of round {@code checkpoint} and run in epoch {@code epoch}; rounds up to
     * {@code round} are over (an older CHECKPOINT_REQUEST still in flight must not block anyone).
     */
    public record RollBack(long epoch, long checkpoint, long round) implements Message {
    }

    public record RolledBack(long epoch) implements Message {
    }

    /** From a process back from a crash, until it is rolled back; {@code epoch}: the latest it ran in. */
    public record NeedRecovery(long epoch) implements Message {
    }
}
