package dsys.lock.api;

import com.fasterxml.jackson.annotation.JsonAlias;

/** JSON request bodies of /api/locks. Missing numbers arrive as null and are refused with a 400. */
public final class LockBodies {

    private LockBodies() {
    }

    public record AcquireBody(String owner, Long leaseMs, Long waitMs) {
    }

    public record HolderBody(String owner, @JsonAlias("token") Long fencingToken) {
    }

    public record AlgorithmBody(String algorithm) {
    }

    public record FencedWriteBody(@JsonAlias("fencingToken") Long token, String value) {
    }
}
