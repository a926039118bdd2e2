package dsys.platform.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.platform.host.CoreHosts;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The checkpoint initiator and /api/txn/checkpoints on this node. Not auto-configured: the service that initiates
 * (txn-coordinator) imports it; the checkpointed nodes wrap their cores themselves (kv-service's KvHost).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CheckpointProperties.class)
@Import(CheckpointsController.class)
public class CheckpointsConfiguration {

    @Bean
    CheckpointsHost checkpointsHost(CoreHosts hosts, CheckpointProperties props, ObjectMapper json) {
        return new CheckpointsHost(hosts, props, new JsonCodec(json));
    }

    @Bean
    CheckpointMetrics checkpointMetrics(MeterRegistry registry) {
        return new CheckpointMetrics(registry);
    }
}
