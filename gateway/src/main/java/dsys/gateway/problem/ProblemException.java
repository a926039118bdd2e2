package dsys.gateway.problem;

import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** An error the gateway itself answers with, as RFC 9457 problem+json (see {@link ProblemExceptionHandler}). */
public class ProblemException extends RuntimeException {
  public static final String TYPE_BASE = "https://dsys.dev/problems/";

  private final HttpStatusCode status;
  private final String slug;
  private final String title;
  private final HttpHeaders headers = new HttpHeaders();

  public ProblemException(HttpStatusCode status, String slug, String title, String detail) {
    this(status, slug, title, detail, null);
  }

  public ProblemException(HttpStatusCode status, String slug, String title, String detail, Throwable cause) {
    super(detail, cause);
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  public ProblemException withHeader(String name, String value) {
    headers.add(name, value);
    return this;
  }

  public HttpStatusCode status() {
    return status;
  }

  public HttpHeaders headers() {
    return headers;
  }

  public ProblemDetail toProblemDetail() {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
    problem.setType(URI.create(TYPE_BASE + slug));
    problem.setTitle(title);
    return problem;
  }
}
