package dsys.verifier.linear;

import dsys.verifier.history.Call;

import java.util.List;

/**
 * A sequential specification. States must be immutable with value equality (they are
 * memoized) and never null. {@link #prepare} turns a call into a transition once, so shape
 * errors surface before the search and the search does no parsing.
 */
public interface Model {

    String name();

    Object init();

    /**
     * The call's transition, or null when the call can be left out of the search because it
     * neither changes the state nor reveals it (a read whose result is unknown). Called for
     * ok and unknown-outcome calls only: a failed call certainly had no effect.
     *
     * @throws ModelException when the call does not fit the model
     */
    Transition prepare(Call call);

    /**
     * Calls with unknown outcome that can be left out because nothing in {@code keyCalls}
     * could observe their effect: a linearization that includes such a call stays valid
     * without it. Pruning them keeps crashed clients from multiplying the search space.
     */
    default boolean omittable(Call unknown, List<Call> keyCalls) {
        return false;
    }

    /**
     * This model specialised to one key's calls (for instance knowing which values anyone
     * ever observes). The checker calls it once per key, before {@link #prepare}.
     */
    default Model forKey(List<Call> keyCalls) {
        return this;
    }

    /**
     * True when the call, wherever it can take effect, leaves the state as it was (a read).
     * The search then takes it as soon as it fits instead of trying every order around it.
     */
    default boolean readOnly(Call call) {
        return false;
    }

    /**
     * True when every call that can take effect in this state sets the state regardless of
     * what it was (a blind write): nothing can observe the state. A call that keeps such a
     * state as it is can then be taken at once, like a read.
     */
    default boolean blindWritesOnly(Object state) {
        return false;
    }

    default String describe(Object state) {
        return String.valueOf(state);
    }

    @FunctionalInterface
    interface Transition {
        /** The next state, or null when the call cannot take effect, with its result, in {@code state}. */
        Object apply(Object state);
    }
}
