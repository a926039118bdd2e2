package dsys.lock.coordination.api;

import dsys.lock.coordination.CoordinationCore;
import dsys.lock.coordination.CoordinationSettings;
import dsys.platform.host.CoreHosts;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts the "coordination" core group on this node (elections for the REST API, Byzantine agreement).
 * {@code dsys.coordination.heartbeat-interval=0} turns leader failure detection off.
 */
@Configuration
public class CoordinationConfiguration {

    @Bean
    CoordinationSettings coordinationSettings(
            @Value("${dsys.coordination.heartbeat-interval:1s}") Duration interval,
            @Value("${dsys.coordination.heartbeat-timeout:3s}") Duration timeout) {
        CoordinationSettings live = CoordinationSettings.live();
        if (interval.isZero()) return live.withoutHeartbeats();
        return new CoordinationSettings(interval, timeout, live.bullyAnswer(), live.bullyCoordinator(), live.ringAck(),
                live.ringTries(), live.byzantineRound(), live.requestTimeout(), live.quietPeriod(), live.tallyTimeout());
    }

    @Bean
    CoordinationHost coordinationHost(CoreHosts hosts, CoordinationSettings settings) {
        AtomicReference<CoordinationCore> latest = new AtomicReference<>();
        return new CoordinationHost(hosts.start(CoordinationCore.GROUP, env -> {
            CoordinationCore core = new CoordinationCore(env, settings);
            latest.set(core);
            return core;
        }), latest);
    }

    @Bean
    ElectionMetrics electionMetrics(MeterRegistry registry, CoordinationHost host) {
        return new ElectionMetrics(registry, host);
    }
}
