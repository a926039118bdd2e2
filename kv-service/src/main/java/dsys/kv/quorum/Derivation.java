package dsys.kv.quorum;

/**
 * How a transaction's lock computes its intent from the value it finds, inside the same CASPaxos round (an add:
 * the sum), or refuses. A change is applied only at its proposer, never sent, so the rule can be code: the node's
 * adapter, which knows how values are encoded, supplies it. One round instead of a read and then a conditional lock.
 */
@FunctionalInterface
public interface Derivation {

    /** The intent, or why not (exactly one of the two is null). */
    record Derived(String intent, String refusal) {
        public static Derived intent(String value) {
            return new Derived(value, null);
        }

        public static Derived refused(String why) {
            return new Derived(null, why);
        }
    }

    /** For the register's current value ({@code null}: absent or deleted). */
    Derived derive(String current);
}
