package dsys.core.env;

/**
 * A client request the core refuses or cannot complete; the HTTP adapter turns it into an RFC 9457 problem
 * with this status. {@code type} is a short slug (e.g. "stale-token").
 */
public record Rejection(int status, String type, String title, String detail) {

    public static Rejection badRequest(String detail) {
        return new Rejection(400, "bad-request", "Bad request", detail);
    }

    public static Rejection conflict(String type, String detail) {
        return new Rejection(409, type, "Conflict", detail);
    }

    public static Rejection unavailable(String detail) {
        return new Rejection(503, "unavailable", "Service unavailable", detail);
    }

    public static Rejection timeout(String detail) {
        return new Rejection(504, "timeout", "Timed out", detail);
    }
}
