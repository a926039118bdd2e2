package dsys.lock.coordination;

import java.util.List;
import java.util.Map;

/** What the REST adapter asks a {@link CoordinationCore}. */
public final class CoordinationRequests {

    private CoordinationRequests() {
    }

    /** Run one election now; answered when this node knows the leader and every node's message count came in. */
    public record RunElection(String algorithm) {
    }

    /**
     * Byzantine agreement among the generals named in {@code values} (general → its value), of whom
     * {@code traitors} lie. Optional: {@code rounds} (default m+1, at least 2: the notes' four steps),
     * {@code seed} (the traitors' lies), {@code strategy} ("random" or "letters", the notes' figure).
     */
    public record RunAgreement(Map<String, String> values, List<String> traitors, Integer rounds, Long seed,
                               String strategy) {
    }
}
