package dsys.gateway.pinning;

import dsys.gateway.problem.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * A pinned request whose node is not registered or failed. The circuit breakers ignore it: one
 * dead or mistyped node must not open the breaker of a whole service.
 */
public class PinnedNodeUnavailableException extends ProblemException {
  PinnedNodeUnavailableException(String detail, Throwable cause) {
    super(HttpStatus.SERVICE_UNAVAILABLE, "node-unavailable", "Pinned node unavailable", detail, cause);
  }

  static PinnedNodeUnavailableException notRegistered(String node, String service, String registered) {
    return new PinnedNodeUnavailableException("No " + service + " instance with node '" + node
        + "' is registered (" + NodePinning.HEADER + "); registered: "
        + (registered.isEmpty() ? "none" : registered) + ".", null);
  }

  static PinnedNodeUnavailableException failed(String node, String service, Throwable cause) {
    return new PinnedNodeUnavailableException("Node '" + node + "' of " + service
        + " is registered but did not answer (" + cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ").", cause);
  }
}
