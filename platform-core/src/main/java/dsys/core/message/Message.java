package dsys.core.message;

/**
 * A protocol message between nodes. Implementations are records of plain values so that the
 * HTTP transport can carry them as JSON and the simulator can copy them.
 */
public interface Message {

    /** The name the message journal, the counters and the notes' cost tables use. */
    default String type() {
        return getClass().getSimpleName();
    }
}
