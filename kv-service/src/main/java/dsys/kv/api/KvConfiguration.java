package dsys.kv.api;

import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.QuorumStore;
import dsys.platform.host.CoreHosts;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;

/**
 * Starts the keyspaces on this node, one core group each ({@code kv-<keyspace>}): for now the {@code default}
 * keyspace, quorum-replicated on every member with one vote each and V_r = V_w = a majority.
 */
@Configuration
@EnableConfigurationProperties(KvProperties.class)
public class KvConfiguration {

    @Bean
    KvHost kvHost(CoreHosts hosts, KvProperties props) {
        QuorumSettings settings = props.toSettings();
        KeyspaceConfig dflt = KeyspaceConfig.majority("default", hosts.identity().members().nodes());
        return new KvHost(Map.of(dflt.name(),
                hosts.start("kv-" + dflt.name(), env -> new QuorumStore(env, dflt, settings))), settings);
    }
}
