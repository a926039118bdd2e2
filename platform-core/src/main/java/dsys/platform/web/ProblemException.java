package dsys.platform.web;

import dsys.core.env.Rejection;

/** An error that becomes an RFC 9457 problem: {@code type} = https://dsys.dev/problems/{slug}. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;

    public ProblemException(int status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "bad-request", "Bad request", detail);
    }

    public static ProblemException of(Rejection r) {
        return new ProblemException(r.status(), r.type(), r.title(), r.detail());
    }

    public int status() { return status; }
    public String slug() { return slug; }
    public String title() { return title; }
}
