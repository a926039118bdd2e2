package dsys.kv.txn.api;

import dsys.core.commit.CommitCoordinator;
import dsys.core.commit.CommitTimeouts;
import dsys.core.commit.DecisionTopic;
import dsys.platform.commit.DecisionCodec;
import dsys.platform.commit.KafkaDecisionTopic;
import dsys.platform.transport.ClusterSecret;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import java.time.Duration;

/**
 * A stand-in for txn-coordinator in kv-service's tests (the service's jar is not a library): platform-core's
 * auto-configuration and one {@link CommitCoordinator} in the participants' core group.
 */
@EnableAutoConfiguration
@Import(CoordinatorNode.Beans.class)
class CoordinatorNode {

    static final CommitTimeouts TIMEOUTS = new CommitTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3),
            Duration.ofSeconds(15), Duration.ofMillis(500), Duration.ofMillis(200));

    static class Beans {
        @Bean
        CoreHost commitCoordinator(CoreHosts hosts, ObjectProvider<KafkaDecisionTopic> topic) {
            DecisionTopic t = topic.getIfAvailable();
            return hosts.start(TxnParticipantConfiguration.GROUP, env -> new CommitCoordinator(env, TIMEOUTS, t == null ? DecisionTopic.NONE : t));
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnProperty(name = "dsys.kafka.enabled", havingValue = "true")
        KafkaDecisionTopic decisionTopic(KafkaProperties kafka, ClusterSecret secret, ObjectMapper json, MeterRegistry metrics) {
            return new KafkaDecisionTopic(kafka.buildProducerProperties(null), new DecisionCodec(secret, json), metrics);
        }
    }
}
