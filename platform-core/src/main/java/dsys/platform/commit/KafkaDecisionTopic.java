package dsys.platform.commit;

import dsys.core.commit.DecisionTopic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The publishing side of {@link DecisionTopic} on Kafka: the coordinator's, and a participant's for what it decides as
 * 3PC's elected coordinator. The core publishes inside its serial section, so this
 * only queues; one thread sends the decisions queued (keyed by transaction, all replicas acknowledging), waits for
 * the broker's answers and sends again each one it did not take. A decision still queued when the process dies is
 * published again by the recovering coordinator if some participant has not acknowledged it (one a participant
 * decided, when the coordinator learns it); one that every participant acknowledged is not needed.
 */
public final class KafkaDecisionTopic implements DecisionTopic, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaDecisionTopic.class);
    /** Decisions sent before their answers are waited for. */
    private static final int MAX_IN_FLIGHT = 512;
    static final int LINGER_MS = 20;

    private final DecisionCodec codec;
    private final Producer<String, String> producer;
    private final BlockingQueue<Published> queue = new ArrayBlockingQueue<>(10_000);
    private final Counter published, dropped, failed;
    private final Thread sender;
    private volatile boolean closed;

    public KafkaDecisionTopic(Map<String, Object> producerProperties, DecisionCodec codec, MeterRegistry metrics) {
        this(producer(producerProperties), codec, metrics);
    }

    /** With {@code producer} (tests: Kafka's MockProducer). */
    KafkaDecisionTopic(Producer<String, String> producer, DecisionCodec codec, MeterRegistry metrics) {
        this.codec = codec;
        this.producer = producer;
        this.published = metrics.counter("dsys.txn.decisions.published", "result", "sent");
        this.dropped = metrics.counter("dsys.txn.decisions.published", "result", "queue-full");
        this.failed = metrics.counter("dsys.txn.decisions.published", "result", "retried");
        this.sender = new Thread(this::send, "dsys-decisions");
        sender.setDaemon(true);
        sender.start();
    }

    private static Producer<String, String> producer(Map<String, Object> properties) {
        Map<String, Object> p = new HashMap<>(properties);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Off every client's path (the participants hear the decision as a message; the topic is for the ones that
        // missed it, and the kv nodes' feeds fetch every 250 ms at most): 20 ms lets a batch gather, where 5 ms sent
        // nearly every decision in a produce request of its own up to ~200 decisions/s.
        p.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    @Override
    public void publish(Published decision) {
        // Full only when the broker has been away for long; the participants still hear the decision as messages.
        if (!queue.offer(decision)) dropped.increment();
    }

    /*
     * Everything queued goes out together and is then waited for: one decision at a time, each waiting out the
     * linger and the broker's answer, capped the topic near 150 decisions/s, below what 2PC commits at 64 clients,
     * so under sustained load the queue grew until it dropped. A decision the broker refused goes again.
     */
    private void send() {
        List<Published> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_IN_FLIGHT - 1);
            while (!closed && !batch.isEmpty()) {
                List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size());
                for (Published d : batch) {
                    try {
                        sent.add(producer.send(new ProducerRecord<>(NAME, d.txn(), codec.encode(d))));
                    } catch (RuntimeException e) { // no metadata in time, producer closing: like a refusal
                        sent.add(CompletableFuture.failedFuture(e));
                    }
                }
                List<Published> again = new ArrayList<>();
                Exception why = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                for (int i = 0; i < batch.size(); i++) {
                    try {
                        sent.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                        published.increment();
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failed.increment();
                        if (why == null) why = e;
                        again.add(batch.get(i));
                    }
                }
                batch = again;
                if (!batch.isEmpty()) {
                    log.warn("{} decision(s) not yet on {} (first {}: {}); retrying", batch.size(), NAME, batch.get(0).txn(), why.toString());
                    sleep();
                }
            }
            batch.clear();
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
