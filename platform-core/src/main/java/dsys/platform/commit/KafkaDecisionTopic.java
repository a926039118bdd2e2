package dsys.platform.commit;

import dsys.core.commit.DecisionTopic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The publishing side of {@link DecisionTopic} on Kafka: the coordinator's, and a participant's for what it decides as
 * 3PC's elected coordinator. The core publishes inside its serial section, so this
 * only queues; one thread sends each decision (keyed by transaction, all replicas acknowledging) and retries it
 * until the broker takes it. A decision still queued when the process dies is published again by the recovering
 * coordinator if some participant has not acknowledged it (one a participant decided, when the coordinator learns
 * it); one that every participant acknowledged is not needed.
 */
public final class KafkaDecisionTopic implements DecisionTopic, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaDecisionTopic.class);

    private final DecisionCodec codec;
    private final KafkaProducer<String, String> producer;
    private final BlockingQueue<Published> queue = new ArrayBlockingQueue<>(10_000);
    private final Counter published, dropped, failed;
    private final Thread sender;
    private volatile boolean closed;

    public KafkaDecisionTopic(Map<String, Object> producerProperties, DecisionCodec codec, MeterRegistry metrics) {
        this.codec = codec;
        Map<String, Object> p = new HashMap<>(producerProperties);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5); // a decision is on a participant's path to its locks: no 50 ms wait
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.published = metrics.counter("dsys.txn.decisions.published", "result", "sent");
        this.dropped = metrics.counter("dsys.txn.decisions.published", "result", "queue-full");
        this.failed = metrics.counter("dsys.txn.decisions.published", "result", "retried");
        this.sender = new Thread(this::send, "dsys-decisions");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void publish(Published decision) {
        // Full only when the broker has been away for long; the participants still hear the decision as messages.
        if (!queue.offer(decision)) dropped.increment();
    }

    private void send() {
        while (!closed) {
            Published d;
            try {
                d = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            String value = codec.encode(d);
            while (!closed) {
                try {
                    producer.send(new ProducerRecord<>(NAME, d.txn(), value)).get(10, TimeUnit.SECONDS);
                    published.increment();
                    break;
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failed.increment();
                    log.warn("decision of {} not yet on {}: {}; retrying", d.txn(), NAME, e.toString());
                    sleep();
                }
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Decisions waiting to be sent (tests, views). */
    public int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        producer.close(java.time.Duration.ofSeconds(2));
    }
}
