package dsys.kv.api;

import dsys.platform.host.CoreHosts;
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
    KvHost kvHost(CoreHosts hosts, KvProperties props, WatchHub watches, com.fasterxml.jackson.databind.ObjectMapper json) {
        return new KvHost(hosts, props.toSettings(), props.getCatalogRefreshMs(), watches,
                new KvCheckpoints(props.getCheckpoint(), new dsys.platform.checkpoint.JsonCodec(json)));
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
