package dsys.gateway.problem;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.http.HttpStatus;

/**
 * Whether a failed proxied call can have reached the service. Only a connection that was never made proves the
 * request was not delivered (503: not applied, safe to retry). Once it was sent, a connection that breaks off
 * (reset, premature close) leaves the outcome unknown, exactly like a timeout (504): a history checker must record
 * it as "may have taken effect", and a client must not assume it failed.
 */
public final class Delivery {

  private Delivery() {
  }

  public static boolean neverSent(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return true; // includes netty's ConnectTimeoutException (a ConnectException)
      }
      if (t instanceof NotFoundException || t instanceof CallNotPermittedException) {
        return true; // no (healthy) instance to send it to; the circuit breaker refused to send it
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** A 504 problem: {@code who} took the request and broke off, so it may or may not have taken effect. */
  public static ProblemException outcomeUnknown(String who, Throwable cause) {
    return new ProblemException(HttpStatus.GATEWAY_TIMEOUT, "outcome-unknown", "Outcome unknown",
        who + " broke off the call after the request was sent (" + cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
        + "); the request may or may not have taken effect.", cause);
  }
}
