package dsys.verifier.clock;

/** A node's clock reading taken at a reference ("true") time; any unit, the same for all. */
public record ClockSample(String node, long trueTime, long clockTime) {

    public long offset() {
        return clockTime - trueTime;
    }
}
