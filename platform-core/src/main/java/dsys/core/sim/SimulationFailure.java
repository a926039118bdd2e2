package dsys.core.sim;

/**
 * A simulated run went wrong: an invariant failed, a core threw, or the run stopped making progress. The message
 * names the seed and the virtual time so that {@code new Simulation(seed)} replays it exactly.
 */
public final class SimulationFailure extends AssertionError {

    private final long seed;
    private final long time;
    private final String invariant;

    SimulationFailure(String message, Throwable cause, long seed, long time, String invariant) {
        super(message, cause);
        this.seed = seed;
        this.time = time;
        this.invariant = invariant;
    }

    public long seed() {
        return seed;
    }

    /** Virtual nanoseconds since the start of the run. */
    public long time() {
        return time;
    }

    /** The violated invariant's name, or null when the failure was not an invariant. */
    public String invariant() {
        return invariant;
    }
}
