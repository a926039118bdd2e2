package dsys.platform.tracing;

/**
 * The host's whole view of tracing (cores see none of it): which sampled trace a request arrives in, and a span for
 * a node's handling of a message sent within a trace. Contexts travel as {@link Traceparent} strings.
 */
public interface StepTracing {

    /** Tracing off: no trace is ever current, and received contexts are passed on without spans. */
    StepTracing OFF = new StepTracing() {
        @Override
        public String current() {
            return null;
        }

        @Override
        public Step receive(String parent, String type, String from) {
            return null;
        }
    };

    /** The sampled trace the calling thread works in (e.g. the request's server span), or null. */
    String current();

    /**
     * Opens a span, child of {@code parent} (a sampled traceparent), for handling a {@code type} message from
     * {@code from}; null when no span is recorded. The caller ends it when the step is over.
     */
    Step receive(String parent, String type, String from);

    /** A span in progress: its own traceparent (what the step's sends and events carry on) and its end. */
    interface Step {
        String traceparent();

        void end();
    }
}
