package dsys.kv.api;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The logs of this node's keyspaces sequenced by Kafka ({@code sequencer: kafka}): one topic each,
 * {@code dsys.kv.seq.<keyspace>}, created with one partition (one partition is one total order) and the broker's
 * replication factor. The node has one producer for all of them (acks=all, idempotent: the broker drops the
 * producer's own retries) and one consumer per keyspace. Every Kafka call is bounded (2-5 s), so Kafka down is an
 * error in seconds, not a hang.
 */
final class KafkaSequencers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaSequencers.class);

    private final String node;
    private final Map<String, Object> consumerProperties;
    private final Producer<String, String> producer;
    private final Admin admin;
    private final Map<String, KafkaSequencerLog> open = new ConcurrentHashMap<>();

    KafkaSequencers(String node, Map<String, Object> producerProperties, Map<String, Object> consumerProperties,
                    Map<String, Object> adminProperties) {
        this.node = node;
        Map<String, Object> p = new HashMap<>(producerProperties);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1); // a write waits for its record: no batching delay
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        Map<String, Object> c = new HashMap<>(consumerProperties);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned by hand; the offset is the replica's own
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // How long the broker parks a fetch that finds nothing new. It answers as soon as a record is appended, so
        // this bounds only idle round trips: at 50 ms each reader made 20 empty fetches a second, which kept the
        // broker at ~10 % of a core with nothing to do (500: ~4 %), and warm puts were no faster for it.
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        this.consumerProperties = c;
        Map<String, Object> a = new HashMap<>(adminProperties);
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        this.admin = Admin.create(a);
    }

    static String topic(String keyspace) {
        return "dsys.kv.seq." + keyspace;
    }

    /** The keyspace's log on this node; reading starts with {@link KafkaSequencerLog#deliverTo}. */
    KafkaSequencerLog open(String keyspace) {
        String topic = topic(keyspace);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(),
                new StringDeserializer());
        KafkaSequencerLog l = new KafkaSequencerLog(topic, node, producer, consumer, () -> ensure(topic));
        open.put(keyspace, l);
        return l;
    }

    /** Creates the topic with one partition unless it exists; false when Kafka did not answer in time. */
    private boolean ensure(String topic) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all()
                    .get(5, TimeUnit.SECONDS);
            log.info("created topic {} (one partition) for the keyspace's sequencer", topic);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) return true;
            log.warn("topic {} not created: {}", topic, e.getCause().toString());
            return false;
        } catch (TimeoutException e) {
            log.warn("topic {} not created: Kafka did not answer within 5 s", topic);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ZERO); // first: a reader waiting for its topic's creation fails at once and stops
        open.values().forEach(KafkaSequencerLog::close);
        producer.close(Duration.ofSeconds(2));
    }
}
