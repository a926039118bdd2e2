package dsys.kv.txn.api;

import dsys.platform.checkpoint.CheckpointsConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * txn-1 as txn-coordinator runs it, for kv-service's tests (the service's jar is not a library): the 2PC coordinator
 * ({@link CoordinatorNode}) and, as txn-coordinator imports it, platform-core's checkpoint initiator with
 * /api/txn/checkpoints.
 */
@EnableAutoConfiguration
@Import({CoordinatorNode.Beans.class, CheckpointsConfiguration.class})
class CheckpointingCoordinatorNode {
}
