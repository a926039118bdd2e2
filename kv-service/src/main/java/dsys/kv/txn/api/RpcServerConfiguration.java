package dsys.kv.txn.api;

import dsys.core.rpc.OrphanRemedy;
import dsys.core.rpc.RpcServer;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.EnumMap;
import java.util.Map;

/**
 * Makes this kv node an RPC server stub for txn-1's clients (the notes' 通信 §2.3): one {@link RpcServer} per orphan
 * remedy, each in its own core group ({@link OrphanRemedy#group()}) with its own share of the node's storage, since
 * the remedy is a setting of a client and its servers together. txn-1 calls them through {@code POST
 * /api/txn/rpc/calls}; its crash leaves the computations running here as orphans.
 */
@Configuration
public class RpcServerConfiguration {

    /** The server stubs, by remedy (views and tests). */
    public record RpcServers(Map<OrphanRemedy, CoreHost> hosts) {
    }

    @Bean
    RpcServers rpcServers(CoreHosts hosts) {
        Map<OrphanRemedy, CoreHost> started = new EnumMap<>(OrphanRemedy.class);
        for (OrphanRemedy r : OrphanRemedy.values()) {
            started.put(r, hosts.start(r.group(), env -> RpcServer.live(env, r)));
        }
        return new RpcServers(Map.copyOf(started));
    }
}
