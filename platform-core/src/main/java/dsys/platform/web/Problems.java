package dsys.platform.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import java.io.IOException;
import java.net.URI;

/** Builds problems with the project's type URIs. */
public final class Problems {

    public static final String TYPE_BASE = "https://dsys.dev/problems/";

    private Problems() {
    }

    public static ProblemDetail of(int status, String slug, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
        p.setType(URI.create(TYPE_BASE + slug));
        p.setTitle(title);
        return p;
    }

    /** Writes a problem straight to the response, with its length: for filters and servlets, outside Spring MVC. */
    public static void write(HttpServletResponse res, ObjectMapper json, int status, String slug, String title,
                             String detail) throws IOException {
        byte[] body = json.writeValueAsBytes(of(status, slug, title, detail));
        res.setStatus(status);
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }

    /** 413, and the connection closes: the unread rest of the body must not be taken for the next request. */
    public static void tooLarge(HttpServletResponse res, ObjectMapper json, PayloadTooLargeException e) throws IOException {
        res.setHeader("Connection", "close");
        write(res, json, 413, PayloadTooLargeException.SLUG, PayloadTooLargeException.TITLE, e.getMessage());
    }
}
