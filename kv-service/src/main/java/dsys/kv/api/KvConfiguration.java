package dsys.kv.api;

import dsys.platform.host.CoreHosts;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the keyspaces on this node ({@link KvHost}): the system keyspace that holds the keyspace table, the
 * built-in {@code default} (quorum-replicated on every member, one vote each, V_r = V_w = a majority), and the
 * keyspaces of the table.
 */
@Configuration
@EnableConfigurationProperties(KvProperties.class)
public class KvConfiguration {

    @Bean
    KvHost kvHost(CoreHosts hosts, KvProperties props, WatchHub watches, com.fasterxml.jackson.databind.ObjectMapper json,
                  ObjectProvider<KafkaSequencers> sequencers) {
        return new KvHost(hosts, props.toSettings(), props.getCatalogRefreshMs(), watches,
                new KvCheckpoints(props.getCheckpoint(), new dsys.platform.checkpoint.JsonCodec(json)), sequencers.getIfAvailable());
    }

    /** The Kafka logs of keyspaces whose sequencer is kafka (mode active); without Kafka their writes are 503. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "dsys.kafka.enabled", havingValue = "true", matchIfMissing = true)
    KafkaSequencers kafkaSequencers(KafkaProperties kafka, CoreHosts hosts) {
        return new KafkaSequencers(hosts.identity().self().value(), kafka.buildProducerProperties(null),
                kafka.buildConsumerProperties(null), kafka.buildAdminProperties(null));
    }

    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean(HeapGuard.class) // a test puts its own
    HeapGuard heapGuard(KvProperties props) {
        return new HeapGuard(props.getHeapFullFraction());
    }

    @Bean
    WatchHub watchHub(KvProperties props) {
        return new WatchHub(props.getMaxWatchers(), props.getWatchTimeoutMs());
    }

    @Bean
    KvMetrics kvMetrics(io.micrometer.core.instrument.MeterRegistry registry, KvHost host) {
        return new KvMetrics(registry, host);
    }
}
