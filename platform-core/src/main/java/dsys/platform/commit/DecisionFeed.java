package dsys.platform.commit;

import dsys.core.commit.CommitParticipant;
import dsys.core.commit.DecisionTopic;
import dsys.platform.host.CoreHost;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A participant's reader of the decisions topic: hands every signed decision to its {@link CommitParticipant} core,
 * which ends the transaction if it has it undecided. Its consumer group is the node's own
 * ({@code dsys.txn.decisions.<node>}), and an offset is committed only once the core has taken the records before
 * it, so a node that was down, killed or crashed reads on from where it stopped: what was decided meanwhile
 * reaches it even while the coordinator is down. A new group starts at the earliest record the broker keeps.
 * The topic is the backup path (the coordinator's own message usually comes first), so the feed trades latency for
 * cost: it fetches in batches of up to {@value #FETCH_WAIT_MS} ms and commits its offset at most once every
 * {@value #COMMIT_EVERY_MS} ms. A crash re-reads what came after the last commit, which changes nothing: the core
 * takes a decision it already has as known. Fetching and committing each record cost every kv node a fifth of its
 * CPU under load (and the broker a fetch and an offset commit per decision per node).
 *
 * <p>{@link RecentDecisions} lives in memory, so a node that starts again would know none of the outcomes decided
 * before its committed offset, and a lock left by such a transaction would wait for its holder's node. So on start
 * the feed first reads back the last {@link RecentDecisions#CAPACITY} records before that offset into it (history:
 * not handed to the core again, which has them), then reads on as before.
 */
public final class DecisionFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecisionFeed.class);
    private static final Duration CORE_TIMEOUT = Duration.ofSeconds(5), BACKOFF = Duration.ofSeconds(1);
    static final int FETCH_WAIT_MS = 250, COMMIT_EVERY_MS = 1000;

    private final KafkaConsumer<String, String> consumer;
    private final DecisionCodec codec;
    private final CoreHost participant;
    private final Counter learned, known, refused;
    private final Thread reader;
    private volatile boolean closed;
    /* Per partition, the offset read back up to ({@code history}): records before it only fill {@code recent}. */
    private final Map<TopicPartition, Long> history = new HashMap<>();
    private final java.util.Set<TopicPartition> replayed = new java.util.HashSet<>();
    private long readingBackSince;

    private final RecentDecisions recent;

    public DecisionFeed(Map<String, Object> consumerProperties, String node, DecisionCodec codec, CoreHost participant, MeterRegistry metrics) {
        this(consumerProperties, node, codec, participant, metrics, new RecentDecisions());
    }

    /** {@code recent} is told every decision read, this node's or not (lock resolution). */
    public DecisionFeed(Map<String, Object> consumerProperties, String node, DecisionCodec codec, CoreHost participant,
                        MeterRegistry metrics, RecentDecisions recent) {
        this.recent = recent;
        Map<String, Object> c = new HashMap<>(consumerProperties);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, DecisionTopic.NAME + "." + node);
        // Static membership: the node's group has one member, the node, and a node started again after kill -9 takes
        // its partitions at once; as a new member it waited for the old one's session to time out (45 s, seen live).
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, node);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_WAIT_MS);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        this.codec = codec;
        this.participant = participant;
        this.learned = metrics.counter("dsys.txn.decisions.read", "result", "learned");
        this.known = metrics.counter("dsys.txn.decisions.read", "result", "not-needed");
        this.refused = metrics.counter("dsys.txn.decisions.read", "result", "refused");
        this.reader = new Thread(this::read, "dsys-decision-feed");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            consumer.subscribe(List.of(DecisionTopic.NAME), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    readBack(partitions);
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(history::remove);
                }
            });
            long committed = System.nanoTime();
            boolean uncommitted = false;
            while (!closed) {
                if (uncommitted && System.nanoTime() - committed >= COMMIT_EVERY_MS * 1_000_000L) {
                    consumer.commitSync(); // the position, before the next poll: after every record the core took
                    committed = System.nanoTime();
                    uncommitted = false;
                }
                ConsumerRecords<String, String> batch = consumer.poll(Duration.ofSeconds(1));
                if (batch.isEmpty()) continue;
                if (handOver(batch)) {
                    historyRead();
                    uncommitted = history.isEmpty(); // the position is behind the committed offset while reading back
                } else { // the core did not take them (crashed, paused): read them again after a while
                    for (TopicPartition tp : batch.partitions()) consumer.seek(tp, batch.records(tp).get(0).offset());
                    Thread.sleep(BACKOFF.toMillis());
                }
            }
        } catch (WakeupException | InterruptedException e) {
            if (!closed) log.warn("decision feed stopped: {}", e.toString());
        } catch (RuntimeException e) {
            log.error("decision feed stopped; a restart of this node resumes it from its committed offset", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * On the first assignment of each partition (on the reader's thread, inside a poll): goes back up to
     * {@link RecentDecisions#CAPACITY} records before the position the group had reached.
     */
    private void readBack(Collection<TopicPartition> partitions) {
        List<TopicPartition> fresh = partitions.stream().filter(replayed::add).toList();
        if (fresh.isEmpty()) return;
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(fresh);
        long each = Math.max(1, RecentDecisions.CAPACITY / fresh.size());
        for (TopicPartition tp : fresh) {
            long position = consumer.position(tp), from = Math.max(begin.getOrDefault(tp, 0L), position - each);
            if (from >= position) continue;
            if (history.isEmpty()) readingBackSince = System.nanoTime();
            history.put(tp, position);
            consumer.seek(tp, from);
            log.info("decisions topic: reading back {} outcomes of {} before offset {} (lock resolution)", position - from, tp, position);
        }
    }

    /** Whether the core took every decision of the batch (or there was nothing in it for the core). */
    private boolean handOver(ConsumerRecords<String, String> batch) {
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (ConsumerRecord<String, String> r : batch) {
            DecisionTopic.Published d = r.value() == null ? null : codec.decode(r.value());
            if (d == null) {
                refused.increment();
                log.warn("decisions topic: record at {}-{}@{} is not a member's decision; ignored", r.topic(), r.partition(), r.offset());
                continue;
            }
            recent.record(d.txn(), d.commit());
            if (past(r)) continue;
            if (!d.participants().contains(participant.env().self().value())) continue;
            answers.add(participant.callAsync(d, CORE_TIMEOUT).whenComplete((ended, t) -> {
                if (t == null) (Boolean.TRUE.equals(ended) ? learned : known).increment();
            }));
        }
        try {
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code r} is history read back at start: its outcome is remembered, the core has it already. */
    private boolean past(ConsumerRecord<String, String> r) {
        if (history.isEmpty()) return false; // read back already: no lookup per record on the live path
        Long until = history.get(new TopicPartition(r.topic(), r.partition()));
        return until != null && r.offset() < until;
    }

    /** Ends the history of every partition whose position has reached the offset it was read back to. */
    private void historyRead() {
        if (history.isEmpty()) return;
        history.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        if (history.isEmpty()) {
            log.info("decisions topic: read back in {} ms", (System.nanoTime() - readingBackSince) / 1_000_000);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        consumer.wakeup();
        try {
            reader.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
