package dsys.platform.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

/** {@link StepTracing} through Micrometer Tracing (the Brave bridge live): W3C contexts, spans reported to Zipkin. */
public final class MicrometerStepTracing implements StepTracing {

    /* The carrier is the traceparent itself: W3C's extractor asks for "traceparent" (and "tracestate": none). */
    private static final Propagator.Getter<String> CARRIER = (traceparent, key) -> Traceparent.HEADER.equals(key) ? traceparent : null;

    private final Tracer tracer;
    private final Propagator propagator;

    public MicrometerStepTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @Override
    public String current() {
        TraceContext c = tracer.currentTraceContext().context();
        return c != null && Boolean.TRUE.equals(c.sampled()) ? Traceparent.sampled(c.traceId(), c.spanId()) : null;
    }

    @Override
    public Step receive(String parent, String type, String from) {
        // The sender as remote service: Zipkin's dependency graph then draws the messages between nodes.
        Span span = propagator.extract(parent, CARRIER).kind(Span.Kind.CONSUMER).name("receive " + type)
                .remoteServiceName(from).tag("dsys.message", type).tag("dsys.from", from).start();
        if (span.isNoop()) {
            return null;
        }
        String traceparent = Traceparent.sampled(span.context().traceId(), span.context().spanId());
        return new Step() {
            @Override
            public String traceparent() {
                return traceparent;
            }

            @Override
            public void end() {
                span.end();
            }
        };
    }
}
