package dsys.platform.host;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.platform.node.NodeIdentity;

import java.util.function.Function;

/** Starts algorithm cores on this node; all of them share the node's thread, clocks and storage. */
public final class CoreHosts {

    private final NodeRuntime node;

    public CoreHosts(NodeRuntime node) {
        this.node = node;
    }

    public CoreHost start(String group, Function<Env, Core> factory) {
        CoreHost host = new CoreHost(node, group, factory);
        node.register(host);
        node.run(() -> host.startCore(false));
        return host;
    }

    public NodeIdentity identity() {
        return node.identity();
    }

    public NodeRuntime node() {
        return node;
    }
}
