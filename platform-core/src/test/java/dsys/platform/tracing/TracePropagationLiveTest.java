package dsys.platform.tracing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.event.Event;
import dsys.platform.FinishedSpans;
import dsys.platform.PingNodes;
import dsys.platform.events.EventPublisher;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.exporter.FinishedSpan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two live nodes over the HTTP transport: a request that arrives in a sampled W3C trace has its messages handled in
 * spans of the same trace on the receiving node (and the reply's on the sender), and its events carry the trace id.
 * A request outside a sampled trace records no span anywhere and its messages carry no context.
 */
class TracePropagationLiveTest {

    @RegisterExtension
    static final PingNodes nodes = new PingNodes(2);

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static long ping(String traceparent) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(nodes.uri(0, "/test/ping")).POST(HttpRequest.BodyPublishers.noBody());
        if (traceparent != null) b.header("traceparent", traceparent);
        HttpResponse<String> r = PingNodes.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body()).get("round").asLong();
    }

    private static FinishedSpans spans(int node) {
        return nodes.node(node).getBean(FinishedSpans.class);
    }

    /** Spans are reported when they end, which may be just after the answer went out. */
    private static FinishedSpan await(String what, Supplier<List<FinishedSpan>> found) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (found.get().isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("no span within 5 s: " + what);
            Thread.sleep(10);
        }
        assertThat(found.get()).as(what).hasSize(1);
        return found.get().get(0);
    }

    private static List<FinishedSpan> received(int node, String traceId, String type) {
        return spans(node).ofTrace(traceId).stream()
                .filter(s -> s.getKind() == Span.Kind.CONSUMER && type.equals(s.getTags().get("dsys.message"))).toList();
    }

    private static Event startEvent(long round) {
        return nodes.node(0).getBean(EventPublisher.class).recent(200).stream()
                .filter(e -> e.kind().equals("ping.start") && Long.valueOf(round).equals(((Number) e.fields().get("round")).longValue()))
                .findFirst().orElseThrow();
    }

    @Test
    void theReceivingNodeHandlesAMessageInASpanOfTheSendersTrace() throws Exception {
        String traceId = hex(16), callerSpan = hex(8);
        long round = ping("00-" + traceId + "-" + callerSpan + "-01");

        FinishedSpan server = await("ping-1's server span", () -> spans(0).ofTrace(traceId).stream()
                .filter(s -> s.getKind() == Span.Kind.SERVER).toList());
        assertThat(server.getParentId()).isEqualTo(callerSpan);
        assertThat(server.getLocalServiceName()).as("spans are reported under the node's id").isEqualTo("ping-1");

        FinishedSpan ping = await("ping-2 handling the Ping", () -> received(1, traceId, "Ping"));
        assertThat(ping.getParentId()).as("child of the step that sent it").isEqualTo(server.getSpanId());
        assertThat(ping.getLocalServiceName()).isEqualTo("ping-2");
        assertThat(ping.getTags()).containsEntry("dsys.from", "ping-1");
        assertThat(ping.getRemoteServiceName()).as("Zipkin links the sender to the receiver").isEqualTo("ping-1");

        FinishedSpan pong = await("ping-1 handling the Pong", () -> received(0, traceId, "Pong"));
        assertThat(pong.getParentId()).as("the reply continues the receiver's span").isEqualTo(ping.getSpanId());

        assertThat(startEvent(round).traceId()).isEqualTo(traceId);
    }

    /**
     * A core that hands work to another core of its node, from a message's step (as a kv participant locks keys in
     * the keyspace's registers), keeps the trace: the other core's messages are in it, and so is what the first does
     * with the answer. ping-1 sends RelayAsk to ping-2, whose echo core pings ping-1's echo core; the Pong's step at
     * ping-2 answers, and ping-2's ping core sends RelayDone back.
     */
    @Test
    void aCallIntoAnotherCoreOfTheNodeAndWhatComesOfItsAnswerStayInTheTrace() throws Exception {
        String traceId = hex(16);
        HttpRequest relay = HttpRequest.newBuilder(nodes.uri(0, "/test/relay")).POST(HttpRequest.BodyPublishers.noBody())
                .header("traceparent", "00-" + traceId + "-" + hex(8) + "-01").build();
        HttpResponse<String> r = PingNodes.HTTP.send(relay, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).as("ping-2's echo core heard ping-1's").contains("pongs=1");

        FinishedSpan ask = await("ping-2 handling RelayAsk", () -> received(1, traceId, "RelayAsk"));
        FinishedSpan echoPing = await("ping-1's echo core handling the Ping", () -> received(0, traceId, "Ping"));
        assertThat(echoPing.getParentId()).as("sent by the echo core, asked from RelayAsk's step").isEqualTo(ask.getSpanId());
        FinishedSpan pong = await("ping-2's echo core handling the Pong", () -> received(1, traceId, "Pong"));
        assertThat(pong.getParentId()).isEqualTo(echoPing.getSpanId());
        FinishedSpan done = await("ping-1 handling RelayDone", () -> received(0, traceId, "RelayDone"));
        assertThat(done.getParentId()).as("sent with the answer of the Pong's step").isEqualTo(pong.getSpanId());
    }

    @Test
    void outsideASampledTraceNoSpanIsRecordedAndNoContextTravels() throws Exception {
        int before = spans(1).all().size();
        long untraced = ping(null);
        String unsampled = hex(16);
        long declined = ping("00-" + unsampled + "-" + hex(8) + "-00"); // the caller decided not to sample
        // A sampled round after them: once its span on ping-2 is in, theirs would be too.
        String traceId = hex(16);
        ping("00-" + traceId + "-" + hex(8) + "-01");
        await("ping-2 handling the sampled Ping", () -> received(1, traceId, "Ping"));

        assertThat(spans(1).all()).as("ping-2 recorded the sampled round's span only").hasSize(before + 1);
        assertThat(spans(0).ofTrace(unsampled)).isEmpty();
        assertThat(startEvent(untraced).traceId()).isNull();
        assertThat(startEvent(declined).traceId()).isNull();
    }
}
