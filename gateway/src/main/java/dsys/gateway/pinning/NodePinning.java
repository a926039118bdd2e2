package dsys.gateway.pinning;

import org.springframework.cloud.client.ServiceInstance;

/** {@code X-Dsys-Node: kv-2} names an instance by its Eureka metadata {@code node}. */
public final class NodePinning {
  public static final String HEADER = "X-Dsys-Node";
  public static final String METADATA_KEY = "node";

  private NodePinning() {}

  /** The node id of an instance; the instance id where an instance carries no {@code node} metadata. */
  public static String nodeOf(ServiceInstance instance) {
    String node = instance.getMetadata().get(METADATA_KEY);
    return node != null ? node : instance.getInstanceId();
  }
}
