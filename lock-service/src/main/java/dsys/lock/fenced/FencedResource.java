package dsys.lock.fenced;

import dsys.core.env.Durable;
import dsys.core.env.Rejection;

import java.util.Optional;

/**
 * A tiny storage service that checks fencing tokens, as in the notes' argument for them: a write carries the
 * writer's token and is refused when a higher token has already written. A client that paused past its lease
 * (and so lost the lock) can no longer overwrite the work of the next holder. Equal tokens are the same holder.
 */
public final class FencedResource {

    public record Entry(long highestToken, String value) {
    }

    private static final String PREFIX = "fenced/";
    private final Durable storage;

    public FencedResource(Durable storage) {
        this.storage = storage;
    }

    public Optional<Entry> read(String name) {
        return storage.get(PREFIX + name).map(s -> {
            int i = s.indexOf('\u001f');
            return new Entry(Long.parseLong(s.substring(0, i)), s.substring(i + 1));
        });
    }

    /** Accepts and stores, or answers why not. */
    public Rejection write(String name, long token, String value) {
        long highest = read(name).map(Entry::highestToken).orElse(Long.MIN_VALUE);
        if (token < highest) {
            return Rejection.conflict("stale-token", "fencing token " + token + " is older than " + highest
                    + ", which already wrote to '" + name + "': the lock was granted to someone else since");
        }
        storage.put(PREFIX + name, token + "\u001f" + value);
        return null;
    }
}
