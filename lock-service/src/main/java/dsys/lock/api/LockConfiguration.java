package dsys.lock.api;

import dsys.lock.Algorithms;
import dsys.lock.election.BullyElection;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockNodeCore;
import dsys.lock.node.Validation;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the "locks" core group on this node: the mutual-exclusion algorithms, with a bully election inside. */
@Configuration
@EnableConfigurationProperties(LockProperties.class)
public class LockConfiguration {

    @Bean
    LockConfig lockConfig(LockProperties props) {
        LockConfig c = props.toConfig();
        if (Validation.algorithm(c.defaultAlgorithm()) != null) {
            throw new IllegalArgumentException("dsys.lock.algorithm: " + Validation.algorithm(c.defaultAlgorithm()).detail());
        }
        return c;
    }

    @Bean
    LockHost lockHost(CoreHosts hosts, LockConfig config) {
        CoreHost host = hosts.start(LockNodeCore.GROUP,
                env -> new LockNodeCore(env, config, Algorithms::create, BullyElection::new));
        return new LockHost(host, config);
    }

    @Bean(destroyMethod = "close")
    LockMetrics lockMetrics(MeterRegistry registry, LockHost host) {
        return new LockMetrics(registry, host);
    }
}
