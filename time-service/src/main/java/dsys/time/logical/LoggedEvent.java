package dsys.time.logical;

import dsys.core.clock.LamportStamp;
import dsys.core.clock.VectorTime;

/** An event this service emitted, with the logical clocks it got (notes §5). */
public record LoggedEvent(long lamport, String node, String kind, VectorTime vector, String round) {

    public LamportStamp stamp() {
        return new LamportStamp(lamport, node);
    }
}
