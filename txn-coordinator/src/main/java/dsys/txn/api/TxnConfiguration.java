package dsys.txn.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.commit.DecisionTopic;
import dsys.platform.commit.DecisionCodec;
import dsys.platform.commit.KafkaDecisionTopic;
import dsys.platform.host.CoreHosts;
import dsys.platform.transport.ClusterSecret;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Starts the "commit" core group on this node: one {@link dsys.core.commit.CommitCoordinator}, publishing its
 * decisions to Kafka's {@value DecisionTopic#NAME} too (unless {@code dsys.kafka.enabled=false}). And the
 * checkpoints of the kv replicas: platform-core's initiator and /api/txn/checkpoints
 * ({@link dsys.platform.checkpoint.CheckpointsConfiguration}, {@code dsys.checkpoints.*}).
 */
@Configuration
@EnableConfigurationProperties(TxnProperties.class)
@Import(dsys.platform.checkpoint.CheckpointsConfiguration.class)
public class TxnConfiguration {

    @Bean
    ParticipantChoice participantChoice(TxnProperties props) {
        return new ParticipantChoice(props.getParticipants());
    }

    @Bean
    TxnHost txnHost(CoreHosts hosts, TxnProperties props, ObjectProvider<KafkaDecisionTopic> topic) {
        DecisionTopic t = topic.getIfAvailable();
        return new TxnHost(hosts, props.toTimeouts(), t == null ? DecisionTopic.NONE : t, props.getEndedInMemory(), props.getRetainedEnded());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "dsys.kafka.enabled", havingValue = "true", matchIfMissing = true)
    KafkaDecisionTopic decisionTopic(KafkaProperties kafka, ClusterSecret secret, ObjectMapper json, MeterRegistry metrics) {
        return new KafkaDecisionTopic(kafka.buildProducerProperties(null), new DecisionCodec(secret, json), metrics);
    }

    /** Transactions and checkpoint restores exclude each other (the restore endpoint is on this service). */
    @Bean
    TxnRestoreGate txnRestoreGate(TxnHost host) {
        return new TxnRestoreGate(() -> host.read(c -> c.openTransactions()));
    }

    @Bean
    TxnMetrics txnMetrics(MeterRegistry registry) {
        return new TxnMetrics(registry);
    }
}
