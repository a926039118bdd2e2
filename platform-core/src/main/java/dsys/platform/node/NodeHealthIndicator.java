package dsys.platform.node;

import dsys.platform.host.NodeRuntime;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The node's own health: DOWN while it is crashed (fault injection) or after its storage failed, so the launcher,
 * Eureka clients and dashboards do not count a node that refuses every request as serving.
 */
public final class NodeHealthIndicator implements HealthIndicator {

    private final NodeRuntime node;

    public NodeHealthIndicator(NodeRuntime node) {
        this.node = node;
    }

    @Override
    public Health health() {
        String self = node.identity().self().value();
        if (node.storageFailure() != null) {
            return Health.down().withDetail("node", self).withDetail("storage", "failed")
                    .withDetail("reason", node.storageFailure().getMessage()).build();
        }
        if (node.crashed()) {
            return Health.down().withDetail("node", self)
                    .withDetail("reason", "crashed by fault injection; POST /api/chaos/nodes/" + self + "/restart").build();
        }
        return Health.up().withDetail("node", self).withDetail("paused", node.paused()).build();
    }
}
