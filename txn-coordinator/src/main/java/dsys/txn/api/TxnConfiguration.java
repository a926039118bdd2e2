package dsys.txn.api;

import dsys.platform.host.CoreHosts;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the "commit" core group on this node: one {@link dsys.core.commit.CommitCoordinator}. */
@Configuration
@EnableConfigurationProperties(TxnProperties.class)
public class TxnConfiguration {

    @Bean
    ParticipantChoice participantChoice(TxnProperties props) {
        return new ParticipantChoice(props.getParticipants());
    }

    @Bean
    TxnHost txnHost(CoreHosts hosts, TxnProperties props) {
        return new TxnHost(hosts, props.toTimeouts());
    }

    @Bean
    TxnMetrics txnMetrics(MeterRegistry registry) {
        return new TxnMetrics(registry);
    }
}
