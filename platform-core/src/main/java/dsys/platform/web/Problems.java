package dsys.platform.web;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

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
}
