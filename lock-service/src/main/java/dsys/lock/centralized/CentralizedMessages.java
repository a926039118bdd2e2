package dsys.lock.centralized;

import dsys.core.message.Message;

/** Notes §6.1: request, grant, release — plus what a lossy network and leases need. */
public final class CentralizedMessages {

    private CentralizedMessages() {
    }

    public record Request(long epoch, String key, String name, String owner, long leaseMs) implements Message {
    }

    /** {@code queuedNanos}: how long the coordinator held the request before granting (the acting node's lease
     *  starts no later than its first send plus this, hence no later than the grant); {@code recorded}: the
     *  coordinator recorded the hold durably before sending this, so it is one of the majority that must. */
    public record Grant(long epoch, String key, String name, long token, long queuedNanos, boolean recorded)
            implements Message {
    }

    public record Release(long epoch, String name, long token) implements Message {
    }

    /** The client stopped waiting (its waitMs ran out). */
    public record Cancel(long epoch, String key, String name) implements Message {
    }

    /** Answer to a retransmitted request that is already queued: stop retransmitting. */
    public record Queued(long epoch, String key) implements Message {
    }

    public record Renew(long epoch, String rid, String name, long token) implements Message {
    }

    public record RenewReply(long epoch, String rid, int status, String detail) implements Message {
    }
}
