package dsys.txn.rpc;

import dsys.core.node.NodeId;
import dsys.core.rpc.OrphanRemedy;
import dsys.core.rpc.RpcClient;
import dsys.core.rpc.RpcRequests;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;
import dsys.txn.api.TxnProperties;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * txn-1's RPC client stubs (the notes' 通信 §2.3), one {@link RpcClient} per orphan remedy, each in its own core group
 * and storage share; the kv nodes run the matching server stubs. A crash of this node leaves the calls it was
 * waiting for running at the servers: its orphans, which each client deals with on reboot as its remedy says.
 */
@Component
public class RpcCallers {

    private final Map<OrphanRemedy, CoreHost> clients = new EnumMap<>(OrphanRemedy.class);
    private final List<String> servers;

    public RpcCallers(CoreHosts hosts, TxnProperties props) {
        this.servers = List.copyOf(props.getParticipants());
        List<NodeId> bound = servers.stream().map(NodeId::of).toList();
        for (OrphanRemedy r : OrphanRemedy.values()) {
            clients.put(r, hosts.start(r.group(), env -> RpcClient.live(env, r, bound)));
        }
    }

    /** The call's result once the server replied; its rejection (killed, server not found) as a problem. */
    CompletableFuture<RpcRequests.Returned> call(OrphanRemedy remedy, RpcRequests.Call call, Duration timeout) {
        return clients.get(remedy).callAsync(call, timeout).thenApply(RpcRequests.Returned.class::cast);
    }

    /** The servers this node's clients can locate (the binding table). */
    List<String> servers() {
        return servers;
    }
}
