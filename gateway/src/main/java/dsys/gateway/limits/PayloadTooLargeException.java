package dsys.gateway.limits;

import dsys.gateway.problem.ProblemException;
import org.springframework.http.HttpStatus;

/** A request body over {@code dsys.web.max-body}. Not a failing service: the circuit breakers ignore it. */
public class PayloadTooLargeException extends ProblemException {
  PayloadTooLargeException(long limit) {
    super(HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large", "Payload too large",
        "the request body is larger than " + limit + " bytes, the most this gateway accepts");
    withHeader("Connection", "close"); // the unread rest of the body must not be taken for the next request
  }
}
