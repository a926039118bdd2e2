package dsys.platform;

import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanReporter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The spans a test node finished, as its Zipkin reporter would get them (Boot hands every SpanReporter bean each). */
public final class FinishedSpans implements SpanReporter {

    private final List<FinishedSpan> spans = new CopyOnWriteArrayList<>();

    @Override
    public void report(FinishedSpan span) {
        spans.add(span);
    }

    public List<FinishedSpan> all() {
        return List.copyOf(spans);
    }

    public List<FinishedSpan> ofTrace(String traceId) {
        return spans.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }
}
