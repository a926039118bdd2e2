package dsys.time.core;

/** Asks a node for its clock (and, for a round's closing survey, what that round cost it). */
public record StatusQuery(String gather, String round) implements RoundMessage {
    @Override
    public boolean control() {
        return true;
    }
}
