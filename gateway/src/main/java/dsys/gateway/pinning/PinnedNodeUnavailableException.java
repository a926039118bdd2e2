package dsys.gateway.pinning;

import dsys.gateway.problem.Delivery;
import dsys.gateway.problem.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * A pinned request whose node is not registered or could not be reached (503: not served), or that broke off
 * after the request was sent (504: outcome unknown, {@link Delivery}). The circuit breakers ignore it: one dead or
 * mistyped node must not open the breaker of a whole service.
 */
public class PinnedNodeUnavailableException extends ProblemException {
  private PinnedNodeUnavailableException(HttpStatus status, String slug, String title, String detail, Throwable cause) {
    super(status, slug, title, detail, cause);
  }

  private static PinnedNodeUnavailableException notServed(String detail, Throwable cause) {
    return new PinnedNodeUnavailableException(HttpStatus.SERVICE_UNAVAILABLE, "node-unavailable",
        "Pinned node unavailable", detail, cause);
  }

  static PinnedNodeUnavailableException notRegistered(String node, String service, String registered) {
    return notServed("No " + service + " instance with node '" + node
        + "' is registered (" + NodePinning.HEADER + "); registered: "
        + (registered.isEmpty() ? "none" : registered) + ".", null);
  }

  /** The connection to the node was never made. */
  static PinnedNodeUnavailableException failed(String node, String service, Throwable cause) {
    return notServed("Node '" + node + "' of " + service
        + " is registered but did not answer (" + cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ").", cause);
  }

  /** The node took the request and then broke off. */
  static PinnedNodeUnavailableException brokeOff(String node, String service, Throwable cause) {
    ProblemException unknown = Delivery.outcomeUnknown("Node '" + node + "' of " + service, cause);
    return new PinnedNodeUnavailableException(HttpStatus.GATEWAY_TIMEOUT, "outcome-unknown", "Outcome unknown",
        unknown.getMessage(), cause);
  }
}
