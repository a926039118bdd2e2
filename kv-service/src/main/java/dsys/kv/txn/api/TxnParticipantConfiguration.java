package dsys.kv.txn.api;

import dsys.core.commit.CommitParticipant;
import dsys.core.commit.CommitTimeouts;
import dsys.core.commit.ResourceManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.commit.DecisionTopic;
import dsys.kv.api.KvHost;
import dsys.platform.commit.DecisionCodec;
import dsys.platform.commit.DecisionFeed;
import dsys.platform.commit.KafkaDecisionTopic;
import dsys.platform.commit.RecentDecisions;
import org.springframework.beans.factory.ObjectProvider;
import dsys.platform.transport.ClusterSecret;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes this kv node a participant of txn-coordinator's 2PC/3PC: a {@link CommitParticipant} in core group
 * {@value #GROUP} (the coordinator's group, so their messages meet) over the keys' registers
 * ({@link RegisterResources}). Messages from the coordinator are accepted because the launcher links the nodes
 * ({@code dsys.links=txn-1}). It also reads the coordinator's decisions from Kafka ({@value DecisionTopic#NAME},
 * {@link DecisionFeed}), so a decision made while this node was down reaches it without the coordinator, and publishes
 * there the decisions its participant takes itself as 3PC's elected coordinator ({@link KafkaDecisionTopic}).
 */
@Configuration
public class TxnParticipantConfiguration {

    public static final String GROUP = "commit";

    /** The participant core, for views and tests. */
    public record Participant(CoreHost host) {
    }

    /** Outcomes read from the decisions topic, for lock resolution ({@link RegisterResources}). */
    @Bean
    RecentDecisions recentDecisions() {
        return new RecentDecisions();
    }

    /** Lock resolution for the participant and for plain reads and writes ({@code KvController}). */
    @Bean
    DecidedLocks decidedLocks(RecentDecisions recent, KvHost kv, MeterRegistry metrics) {
        return new DecidedLocks(recent, kv, metrics.counter("dsys.txn.participant.resolved"));
    }

    @Bean
    Participant txnParticipant(CoreHosts hosts, KvHost kv, ObjectProvider<KafkaDecisionTopic> topic, MeterRegistry metrics,
                               DecidedLocks decided,
                               @Value("${dsys.txn.ready-timeout-ms:10000}") long readyMs,
                               @Value("${dsys.txn.window-ms:1000}") long windowMs,
                               @Value("${dsys.txn.retry-ms:250}") long retryMs,
                               // a transaction txn-1 reports ended is forgotten this long after (CommitParticipant)
                               @Value("${dsys.txn.forget-after-ms:60000}") long forgetAfterMs,
                               // a decided transaction's release waits this long to ride on its key's next lock here
                               @Value("${dsys.txn.release-delay-ms:200}") long releaseDelayMs,
                               // a prepare's wait for its keys in all, and for one an older transaction holds (wait-die)
                               @Value("${dsys.txn.lock-wait-ms:1000}") long lockWaitMs,
                               @Value("${dsys.txn.older-holder-patience-ms:200}") long olderHolderPatienceMs) {
        RegisterResources.LockWaits waits = new RegisterResources.LockWaits(lockWaitMs, olderHolderPatienceMs);
        CommitTimeouts t = new CommitTimeouts(CommitTimeouts.DEFAULT.vote(), CommitTimeouts.DEFAULT.ack(),
                Duration.ofMillis(readyMs), Duration.ofMillis(windowMs), Duration.ofMillis(retryMs));
        AtomicReference<CoreHost> self = new AtomicReference<>();
        KafkaDecisionTopic kafkaTopic = topic.getIfAvailable();
        DecisionTopic publish = kafkaTopic == null ? DecisionTopic.NONE : kafkaTopic;
        // transactions holding keys here: in doubt (READY), or ending; one stuck above 0 is a blocked transaction
        java.util.concurrent.atomic.AtomicInteger holding = metrics.gauge("dsys.txn.participant.holding",
                new java.util.concurrent.atomic.AtomicInteger());
        RegisterResources.Releases releases = RegisterResources.Releases.in(metrics);
        CoreHost host = hosts.start(GROUP, env -> new CommitParticipant(env,
                new RegisterResources(env.storage(), kv, then -> self.get().tell(new ResourceManager.Completion(then)), holding, decided,
                        releaseDelayMs, releases, waits), t, publish,
                Duration.ofMillis(forgetAfterMs)));
        self.set(host);
        return new Participant(host);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "dsys.kafka.enabled", havingValue = "true", matchIfMissing = true)
    KafkaDecisionTopic participantDecisions(KafkaProperties kafka, ClusterSecret secret, ObjectMapper json, MeterRegistry metrics) {
        return new KafkaDecisionTopic(kafka.buildProducerProperties(null), new DecisionCodec(secret, json), metrics);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "dsys.kafka.enabled", havingValue = "true", matchIfMissing = true)
    DecisionFeed decisionFeed(Participant participant, KafkaProperties kafka, ClusterSecret secret, ObjectMapper json, MeterRegistry metrics,
                              RecentDecisions recent) {
        return new DecisionFeed(kafka.buildConsumerProperties(null), participant.host().env().self().value(),
                new DecisionCodec(secret, json), participant.host(), metrics, recent);
    }
}
