package dsys.txn.api;

import dsys.core.commit.CommitParticipant;
import dsys.core.commit.KeyValueResources;
import dsys.core.rpc.OrphanRemedy;
import dsys.core.rpc.RpcServer;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A participant node for the live tests (kv-service does not host participants yet): platform-core's
 * auto-configuration plus one {@link CommitParticipant} over {@link KeyValueResources} in core group "commit",
 * with the coordinator's {@code dsys.txn.*} timeouts, and the RPC server stubs. Neither class is a @Configuration, so txn-1's component scan
 * of dsys.txn does not start a participant beside its coordinator.
 */
@EnableAutoConfiguration
@EnableConfigurationProperties(TxnProperties.class)
@Import(ParticipantNode.Beans.class)
class ParticipantNode {

    static class Beans {
        @Bean
        CoreHost commitParticipant(CoreHosts hosts, TxnProperties props) {
            return hosts.start(TxnHost.GROUP, env -> new CommitParticipant(env, new KeyValueResources(env.storage()), props.toTimeouts()));
        }

        /** The RPC server stubs kv-service runs, one per orphan remedy (not CoreHost beans: the participant is the one). */
        @Bean
        RpcServers rpcServers(CoreHosts hosts) {
            for (OrphanRemedy r : OrphanRemedy.values()) {
                hosts.start(r.group(), env -> RpcServer.live(env, r));
            }
            return new RpcServers();
        }
    }

    record RpcServers() {
    }
}
