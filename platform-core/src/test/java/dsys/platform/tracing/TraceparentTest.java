package dsys.platform.tracing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TraceparentTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void aSampledContextIsTheW3cHeaderValue() {
        String tp = Traceparent.sampled(TRACE, "00f067aa0ba902b7");
        assertThat(tp).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(Traceparent.valid(tp)).isTrue();
        assertThat(Traceparent.isSampled(tp)).isTrue();
        assertThat(Traceparent.traceId(tp)).isEqualTo(TRACE);
    }

    @Test
    void aShortTraceIdIsPaddedTo128Bits() {
        assertThat(Traceparent.traceId(Traceparent.sampled("a3ce929d0e0e4736", "00f067aa0ba902b7")))
                .isEqualTo("0000000000000000a3ce929d0e0e4736");
    }

    @Test
    void onlyWellFormedVersion00ContextsAreTaken() {
        assertThat(Traceparent.valid("00-" + TRACE + "-00f067aa0ba902b7-00")).isTrue();
        assertThat(Traceparent.isSampled("00-" + TRACE + "-00f067aa0ba902b7-00")).isFalse();
        assertThat(Traceparent.valid(null)).isFalse();
        assertThat(Traceparent.valid("01-" + TRACE + "-00f067aa0ba902b7-01")).as("unknown version").isFalse();
        assertThat(Traceparent.valid("00-" + TRACE.toUpperCase() + "-00f067aa0ba902b7-01")).as("upper case").isFalse();
        assertThat(Traceparent.valid("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")).as("zero trace id").isFalse();
        assertThat(Traceparent.valid("00-" + TRACE + "-" + "0".repeat(16) + "-01")).as("zero span id").isFalse();
        assertThat(Traceparent.valid("00-" + TRACE + "-00f067aa0ba902b7-01\n{")).as("trailing text").isFalse();
    }
}
