package dsys.lock.fenced;

import dsys.core.env.Durable;

import java.util.OptionalLong;

/**
 * The durable grant record a token is verified against: per lock name, the last fencing token this node granted
 * (as the node acting for the client; the token carries its index). Written in the same step as the hold, so it
 * costs no message and no extra fsync on the grant path. The fenced resource accepts a token only if its granting
 * node confirms it is exactly that: a forged token was never granted (403), and an older grant of the same node has
 * been superseded (409, as stale as a lower token). One small entry per lock name the node ever granted.
 */
public final class IssuedTokens {

    private static final String PREFIX = "issued/";
    private final Durable storage;

    public IssuedTokens(Durable storage) {
        this.storage = storage;
    }

    public void granted(String name, long token) {
        storage.put(PREFIX + name, Long.toString(token));
    }

    public OptionalLong last(String name) {
        return storage.get(PREFIX + name).map(s -> OptionalLong.of(Long.parseLong(s))).orElse(OptionalLong.empty());
    }
}
