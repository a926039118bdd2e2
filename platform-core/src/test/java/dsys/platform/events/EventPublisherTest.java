package dsys.platform.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.clock.VectorTime;
import dsys.core.event.Event;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class EventPublisherTest {

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<String> traceparents = new CopyOnWriteArrayList<>(); // "-" for a record without one
    private EventPublisher publisher;

    @SuppressWarnings("unchecked")
    private EventPublisher publisher() {
        KafkaTemplate<String, String> kafka = mock(KafkaTemplate.class);
        when(kafka.send(any(ProducerRecord.class))).thenAnswer(call -> {
            ProducerRecord<String, String> r = call.getArgument(0);
            var header = r.headers().lastHeader("traceparent");
            traceparents.add(header == null ? "-" : new String(header.value(), java.nio.charset.StandardCharsets.US_ASCII));
            sent.add(r.value());
            return CompletableFuture.completedFuture(null);
        });
        publisher = new EventPublisher(new ObjectMapper(), new SimpleMeterRegistry(), kafka, "dsys.events");
        return publisher;
    }

    @AfterEach
    void close() {
        if (publisher != null) publisher.close();
    }

    private static Event event(int seq) {
        return new Event("test", "n1", "test.step", seq, VectorTime.ZERO, seq, seq, Map.of("seq", seq));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 5 s: " + what);
            Thread.sleep(5);
        }
    }

    private List<Integer> sentSeqs() {
        return sent.stream().map(v -> Integer.parseInt(v.replaceAll(".*\"seq\":(\\d+).*", "$1"))).toList();
    }

    @Test
    void anEventOfATracedStepGoesOutWithItsTraceparent() throws Exception {
        EventPublisher p = publisher();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Event traced = new Event("test", "n1", "test.step", 1, VectorTime.ZERO, 1, 1, Map.of("seq", 1),
                "4bf92f3577b34da6a3ce929d0e0e4736");
        p.accept(traced, traceparent);
        p.accept(event(2));
        await(() -> sent.size() == 2, "both events sent");
        assertThat(traceparents).containsExactly(traceparent, "-");
        assertThat(new ObjectMapper().readTree(sent.get(0)).path("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(new ObjectMapper().readTree(sent.get(1)).path("traceId").isNull()).isTrue();
    }

    @Test
    void handsEveryEventToKafkaInOrder() throws InterruptedException {
        EventPublisher p = publisher();
        for (int i = 0; i < 300; i++) p.accept(event(i));
        await(() -> sent.size() == 300, "300 events sent");
        assertThat(sentSeqs()).containsExactlyElementsOf(IntStream.range(0, 300).boxed().toList());
    }

    @Test
    void aQuietSenderWaitsWithoutATimer() throws InterruptedException {
        EventPublisher p = publisher();
        p.accept(event(1));
        await(() -> sent.size() == 1, "the event sent");
        // Blocked in take() (WAITING), not woken by a periodic timer (TIMED_WAITING between its runs).
        await(() -> p.senderState() == Thread.State.WAITING, "the sender waiting for events");
        Thread.sleep(3 * EventPublisher.DRAIN_MS);
        assertThat(p.senderState()).isEqualTo(Thread.State.WAITING);
        p.accept(event(2));
        await(() -> sent.size() == 2, "an event after the quiet time sent");
    }

    @Test
    void closeStillSendsWhatWasQueued() {
        EventPublisher p = publisher();
        for (int i = 0; i < 50; i++) p.accept(event(i));
        p.close(); // the sender is likely holding the first event in its gathering pause
        assertThat(sentSeqs()).containsExactlyElementsOf(IntStream.range(0, 50).boxed().toList());
    }
}
