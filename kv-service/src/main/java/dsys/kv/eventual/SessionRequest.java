package dsys.kv.eventual;

import dsys.kv.quorum.Ballot;

import java.util.Set;

/**
 * A get, put or delete ({@code request}) under session guarantees: {@code read} and {@code written} are the
 * highest versions of the key the session has read and written ({@link Ballot#ZERO}: none). A replica serves it
 * once it holds what the guarantees need ({@link SessionGuard}).
 */
public record SessionRequest(Object request, Set<Guarantee> guarantees, Ballot read, Ballot written) {

    public SessionRequest {
        guarantees = Set.copyOf(guarantees);
        if (read == null) read = Ballot.ZERO;
        if (written == null) written = Ballot.ZERO;
    }
}
