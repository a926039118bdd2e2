package dsys.kv.txn.api;

import dsys.core.commit.CommitCoordinator;
import dsys.core.commit.CommitTimeouts;
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
        CoreHost commitCoordinator(CoreHosts hosts) {
            return hosts.start(TxnParticipantConfiguration.GROUP, env -> new CommitCoordinator(env, TIMEOUTS));
        }
    }
}
