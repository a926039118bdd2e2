package dsys.core.event;

/** Where a host sends emitted events: a recorder in the simulator, Kafka and metrics live. */
@FunctionalInterface
public interface EventSink {
    void accept(Event event);
}
