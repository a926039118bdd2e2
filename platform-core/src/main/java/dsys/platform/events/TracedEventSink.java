package dsys.platform.events;

import dsys.core.event.Event;
import dsys.core.event.EventSink;

/** A sink that also takes the trace an event was emitted in (e.g. to put it on its Kafka record). */
public interface TracedEventSink extends EventSink {

    /** {@code traceparent}: the W3C context of the step that emitted {@code event}. */
    void accept(Event event, String traceparent);
}
