package dsys.core.rpc;

import dsys.core.message.Message;

import java.util.List;

/** What client stubs and server stubs send each other. */
public final class RpcMessages {

    private RpcMessages() {
    }

    /**
     * One transmission of a call: add {@code amount} to {@code account}, taking {@code work} steps (0: at once).
     * {@code id} names the call under at-most-once (every retry repeats it), only this transmission under
     * at-least-once. {@code epoch} is the client's incarnation, for reincarnation. {@code floor}: every call of this
     * epoch numbered below it has ended at the client, which will never send it again, so the server may forget
     * their ids (at-most-once's table stays as small as the calls in progress).
     */
    public record Request(String id, long epoch, String account, long amount, int work, long floor) implements Message {
    }

    /** The result: the account's balance right after the effect (a retry under at-most-once gets the first one). */
    public record Reply(String id, long balance) implements Message {
    }

    /** A long computation runs (or already ran when the retry came): the server is there, keep waiting. */
    public record Accepted(String id) implements Message {
    }

    /** The server killed the computation (or refused to start it) without its effect; {@code reason} says why. */
    public record Killed(String id, String reason) implements Message {
    }

    /** Expiration: another quantum for computation {@code id}. */
    public record Renew(String id) implements Message {
    }

    /** Extermination: kill computation {@code id} and never start it; acknowledged so the client can forget it. */
    public record Kill(String id) implements Message {
    }

    /** {@code outcome}: "killed" (it was running), "done" (it had finished: its effect stands) or "never-ran". */
    public record KillAck(String id, String outcome) implements Message {
    }

    /** Reincarnation: the client rebooted and lives in {@code epoch} now; acknowledged per server. */
    public record NewEpoch(long epoch) implements Message {
    }

    public record EpochAck(long epoch) implements Message {
    }

    /** Gentle reincarnation: who still waits for these computations? Asked of each one's owner. */
    public record Locate(String gather, List<String> ids) implements Message {
    }

    /** The owner's answer: the ids among those asked that it still waits for. */
    public record Located(String gather, List<String> wanted) implements Message {
    }
}
