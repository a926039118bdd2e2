package dsys.platform.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.event.Event;
import dsys.platform.tracing.Traceparent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Takes events from the cores (inside a node's serial section, so it never blocks): counts them, keeps the recent ones in
 * memory, and hands them to Kafka on a separate thread through a bounded queue — a slow or absent broker
 * costs dropped events (counted), never a stalled algorithm. An event emitted in a sampled trace goes out with a W3C
 * {@code traceparent} header, so a consumer of the topic can continue the trace.
 */
public class EventPublisher implements TracedEventSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);
    private static final int RECENT = 2000;

    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final KafkaTemplate<String, String> kafka;
    private final String topic;
    private final ArrayDeque<Event> recent = new ArrayDeque<>();
    private final Map<String, Counter> byKind = new ConcurrentHashMap<>(); // a registry lookup per event shows in profiles
    /*
     * The cores only queue; one thread hands the queue to Kafka. Waking a thread per event cost more CPU than the
     * event itself under load (measured: thread wake-ups were a fifth of a lock node's CPU), so after the first
     * event it lets DRAIN_MS of them gather (Kafka batches for 50 ms anyway: linger.ms). It sleeps in take() while
     * nothing comes: a timer every DRAIN_MS woke each idle service 50 times a second, and those wake-ups in the
     * services a benchmark does not use cost the lock path ops (lock-service/README.md).
     */
    static final long DRAIN_MS = 20;
    private final BlockingQueue<Outgoing> outbox = new ArrayBlockingQueue<>(10_000);
    private final Thread sender;
    private final Counter queueFull;

    public EventPublisher(ObjectMapper json, MeterRegistry metrics, KafkaTemplate<String, String> kafka, String topic) {
        this.json = json;
        this.metrics = metrics;
        this.kafka = kafka;
        this.topic = topic;
        this.queueFull = metrics.counter("dsys.events.dropped", "reason", "queue-full");
        this.sender = new Thread(this::send, "dsys-events");
        sender.setDaemon(true);
        if (kafka != null) sender.start();
    }

    /** An event and the trace it was emitted in (a traceparent, or null). */
    private record Outgoing(Event event, String traceparent) {
    }

    @Override
    public void accept(Event e) {
        accept(e, null);
    }

    @Override
    public void accept(Event e, String traceparent) {
        byKind.computeIfAbsent(e.kind(), k -> metrics.counter("dsys.events", "kind", k)).increment();
        synchronized (recent) {
            if (recent.size() == RECENT) recent.removeFirst();
            recent.addLast(e);
        }
        if (kafka == null) return;
        if (!outbox.offer(new Outgoing(e, traceparent))) queueFull.increment();
    }

    /** The sender's loop; close() interrupts it, after which it still publishes the event it had taken. */
    private void send() {
        Outgoing first = null;
        try {
            while (true) {
                first = outbox.take();
                Thread.sleep(DRAIN_MS);
                publish(first);
                first = null;
                drain();
            }
        } catch (InterruptedException closing) {
            if (first != null) publish(first);
        }
    }

    private void drain() {
        List<Outgoing> batch = new ArrayList<>(outbox.size());
        outbox.drainTo(batch);
        for (Outgoing o : batch) publish(o);
    }

    private void publish(Outgoing o) {
        Event e = o.event();
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, e.node(), json.writeValueAsString(e));
            if (o.traceparent() != null) {
                record.headers().add(Traceparent.HEADER, o.traceparent().getBytes(StandardCharsets.US_ASCII));
            }
            kafka.send(record).whenComplete((r, t) -> {
                if (t != null) metrics.counter("dsys.events.dropped", "reason", "kafka").increment();
            });
        } catch (JsonProcessingException ex) {
            log.warn("event {} is not serialisable: {}", e.kind(), ex.getOriginalMessage());
        } catch (RuntimeException ex) {
            metrics.counter("dsys.events.dropped", "reason", "kafka").increment();
            log.debug("kafka send failed: {}", ex.toString());
        }
    }

    /** The last events this node emitted, oldest first. */
    public List<Event> recent(int limit) {
        synchronized (recent) {
            List<Event> all = new ArrayList<>(recent);
            return all.subList(Math.max(0, all.size() - limit), all.size());
        }
    }

    /** For tests: WAITING while nothing is queued. */
    Thread.State senderState() {
        return sender.getState();
    }

    public boolean kafkaEnabled() {
        return kafka != null;
    }

    @Override
    public void close() {
        if (kafka == null) return;
        sender.interrupt();
        try {
            sender.join(TimeUnit.SECONDS.toMillis(5)); // it publishes the event it held before the rest below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain(); // what the cores emitted last still goes out
    }
}
