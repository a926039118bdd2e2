package dsys.lock.ricart;

import dsys.core.message.Message;

/** Notes §6.2: a request stamped (Lamport time, node), and OK — sent at once or deferred until exit. */
public final class RicartMessages {

    private RicartMessages() {
    }

    public record Request(long epoch, String name, long stamp) implements Message {
    }

    /** Answers the request with this {@code stamp} (OKs for an older request of the same node are ignored). */
    public record Ok(long epoch, String name, long stamp) implements Message {
    }
}
