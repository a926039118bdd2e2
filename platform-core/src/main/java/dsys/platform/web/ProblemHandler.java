package dsys.platform.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.net.URI;

/** Every error as application/problem+json; Spring MVC's own errors keep their status but get our type URIs. */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(ProblemException.class)
    public ResponseEntity<ProblemDetail> problem(ProblemException e) {
        ProblemDetail p = Problems.of(e.status(), e.slug(), e.title(), e.getMessage());
        ResponseEntity.BodyBuilder b = ResponseEntity.status(e.status());
        if (e.status() == 401) b.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"dsys\"");
        return b.body(p);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Problems.of(400, "bad-request", "Bad request", e.getMessage()));
    }

    /** A body that grew past dsys.web.max-body while a controller read it ({@link MaxBodyFilter}). */
    @ExceptionHandler(PayloadTooLargeException.class)
    public ResponseEntity<Object> tooLarge(PayloadTooLargeException e) {
        HttpHeaders headers = new HttpHeaders();
        headers.setConnection("close"); // the unread rest of the body must not be taken for the next request
        return new ResponseEntity<>(Problems.of(413, PayloadTooLargeException.SLUG, PayloadTooLargeException.TITLE,
                e.getMessage()), headers, 413);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof PayloadTooLargeException tooLarge) return tooLarge(tooLarge); // Spring wraps it as unreadable
        }
        String detail = "the request body is not valid JSON for this route: " + rootMessage(ex);
        return ResponseEntity.badRequest().body(Problems.of(400, "malformed-body", "Malformed request body", detail));
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
                                                          WebRequest request) {
        if (body instanceof ProblemDetail p && (p.getType() == null || "about:blank".equals(p.getType().toString()))) {
            String slug = switch (status.value()) {
                case 404 -> "not-found";
                case 405 -> "method-not-allowed";
                case 415 -> "unsupported-media-type";
                default -> status.is4xxClientError() ? "bad-request" : "internal";
            };
            p.setType(URI.create(Problems.TYPE_BASE + slug));
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        String m = t.getMessage();
        if (m == null) return t.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }
}
