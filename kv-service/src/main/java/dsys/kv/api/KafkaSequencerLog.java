package dsys.kv.api;

import dsys.kv.active.SequencerLog;
import dsys.platform.host.CoreHost;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One Kafka-sequenced keyspace's log on this node, as its core's {@link SequencerLog}: the single partition of topic
 * {@code dsys.kv.seq.<keyspace>}. Appends go to the node's idempotent producer (acks=all) from a sender thread, so the
 * core never waits on Kafka. A reader thread with its own consumer, assigned the partition by hand (no consumer
 * group: the committed offset is the one the replica stores with its state, which Kafka's offset commit could not
 * be atomic with), seeks where the core says and hands it each polled batch, waiting for the core to take it.
 *
 * <p>Kafka unreachable: the reader checks the partition's end offset every second (1 s bounded); while that or an
 * append fails, appends are refused at once (the core answers 503). An append handed over and not confirmed is
 * reported after the producer's delivery timeout (the core answers 504: it may be in the log).
 */
final class KafkaSequencerLog implements SequencerLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaSequencerLog.class);
    private static final Duration CORE_TIMEOUT = Duration.ofSeconds(5), CHECK = Duration.ofSeconds(1);

    private final TopicPartition partition;
    private final Producer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final BooleanSupplier topicReady;
    private final ThreadPoolExecutor sender;
    private final BlockingQueue<Long> seeks = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile CoreHost core;
    private volatile String down;
    private volatile boolean closed;

    /** {@code topicReady}: makes sure the topic exists (bounded); false when Kafka did not answer. */
    KafkaSequencerLog(String topic, String node, Producer<String, String> producer, KafkaConsumer<String, String> consumer,
                      BooleanSupplier topicReady) {
        this.partition = new TopicPartition(topic, 0);
        this.producer = producer;
        this.consumer = consumer;
        this.topicReady = topicReady;
        this.down = "topic " + topic + " not ready yet";
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000),
                r -> daemon(r, "dsys-seq-send-" + topic));
        this.reader = daemon(this::read, "dsys-seq-read-" + topic + "-" + node);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts reading for {@code host}'s core (built by now, so it has said where to start). */
    void deliverTo(CoreHost host) {
        this.core = host;
        reader.start();
    }

    @Override
    public String append(String op, String record) {
        String why = down;
        if (why != null) return "Kafka unreachable: " + why;
        try {
            sender.execute(() -> send(op, record));
            return null;
        } catch (RejectedExecutionException e) {
            return closed ? "the node is stopping" : "10000 appends already wait for Kafka";
        }
    }

    private void send(String op, String record) {
        try {
            producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), op, record), (md, e) -> {
                if (e == null) return;
                down = e.getMessage();
                told(new AppendFailed(op, true, "Kafka did not confirm the append: " + e.getMessage()));
            });
        } catch (RuntimeException e) { // not handed to the producer at all
            down = e.getMessage();
            told(new AppendFailed(op, false, "Kafka refused the append: " + e.getMessage()));
        }
    }

    @Override
    public void consume(long from) {
        seeks.add(from);
    }

    private void read() {
        try {
            while (!closed && !topicReady.getAsBoolean()) {
                down = "topic " + partition.topic() + " could not be created or found";
                Thread.sleep(CHECK.toMillis());
            }
            consumer.assign(List.of(partition));
            long position = -1, end = -1, checked = 0;
            boolean announce = false;
            while (!closed) {
                Long seek = position < 0 ? seeks.take() : latest();
                if (closed) break;
                if (seek != null) {
                    consumer.seek(partition, seek);
                    position = seek;
                    announce = true;
                }
                if (announce || System.nanoTime() - checked > CHECK.toNanos()) {
                    end = endOffset(end);
                    checked = System.nanoTime();
                }
                List<ConsumerRecord<String, String>> batch = consumer.poll(Duration.ofMillis(100)).records(partition);
                if (batch.isEmpty() && !announce) continue;
                long next = batch.isEmpty() ? position : batch.get(batch.size() - 1).offset() + 1;
                List<Entry> entries = batch.stream().map(r -> new Entry(r.offset(), r.value())).toList();
                if (hand(new Records(position, entries, Math.max(end, next)))) {
                    position = next;
                    announce = false;
                } else { // the core did not take it (crashed, paused): read it again, or from where its successor says
                    Long again = seeks.poll(CHECK.toMillis(), TimeUnit.MILLISECONDS);
                    if (closed) break;
                    consumer.seek(partition, again != null ? again : position);
                    if (again != null) position = again;
                }
            }
        } catch (WakeupException | InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
            if (!closed) log.warn("sequencer log {} stopped: {}", partition, e.toString());
        } catch (RuntimeException e) {
            log.error("sequencer log {} stopped; a restart of this node resumes it from its stored offset", partition, e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The latest seek asked for since the last look, or null. */
    private Long latest() {
        Long s = null;
        for (Long x = seeks.poll(); x != null; x = seeks.poll()) s = x;
        return s;
    }

    /** The partition's end offset (marking Kafka up), or {@code known} when Kafka did not answer in time (down). */
    private long endOffset(long known) {
        try {
            Long end = consumer.endOffsets(List.of(partition), CHECK).get(partition);
            down = null;
            return end == null ? known : end;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            down = "no answer from Kafka within " + CHECK.toMillis() + " ms";
            return known;
        }
    }

    /** Whether the core took the batch: the reader waits for it, keeping pace with the core, until closed. */
    private boolean hand(Records r) throws InterruptedException {
        java.util.concurrent.CompletableFuture<Object> taken = core.callAsync(r, CORE_TIMEOUT);
        while (!closed) {
            try {
                taken.get(200, TimeUnit.MILLISECONDS);
                return true;
            } catch (java.util.concurrent.TimeoutException e) {
                // still waiting for the core (its own timeout ends this)
            } catch (java.util.concurrent.ExecutionException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * Tells the core from the sender thread: the thread that queues a core step may run it (with its fsync), which
     * must not be the producer's I/O thread.
     */
    private void told(Object input) {
        CoreHost h = core;
        if (h == null) return;
        try {
            sender.execute(() -> h.tell(input));
        } catch (RejectedExecutionException e) {
            h.tell(input);
        }
    }

    @Override
    public void close() {
        closed = true;
        // no interrupts: these threads may be running a core step, whose fsync an interrupt would break
        sender.shutdown();
        seeks.add(Long.MIN_VALUE);
        consumer.wakeup();
        try {
            if (reader.isAlive()) reader.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.getState() == Thread.State.NEW) consumer.close(Duration.ofSeconds(1));
    }
}
