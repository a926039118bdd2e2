package dsys.kv.api;

import dsys.platform.web.ProblemException;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * Which values the REST API takes: a body of at most {@link #MAX_BYTES} bytes (413 {@code value-too-large}), with
 * any concrete content type (or none: application/octet-stream), which is stored and given back on every read. A
 * type that does not parse, or a wildcard one (no response could carry it), is a 415.
 */
final class Values {

    static final int MAX_BYTES = 1 << 20;
    static final int MAX_TYPE_CHARS = 255;

    private Values() {
    }

    static void check(String contentType, byte[] body) {
        if (body.length > MAX_BYTES) {
            throw new ProblemException(413, "value-too-large", "Value too large", "the value is " + body.length
                    + " bytes; a value is at most " + MAX_BYTES + " bytes (1 MiB)");
        }
        if (contentType == null || contentType.isBlank()) return;
        if (contentType.length() > MAX_TYPE_CHARS) throw unsupported("the Content-Type is longer than " + MAX_TYPE_CHARS + " characters");
        MediaType t;
        try {
            t = MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            throw unsupported("the Content-Type '" + contentType + "' does not parse: " + e.getMessage());
        }
        if (t.isWildcardType() || t.isWildcardSubtype()) {
            throw unsupported("the Content-Type '" + contentType + "' is a wildcard; give the value's own type, "
                    + "e.g. text/plain or application/octet-stream");
        }
    }

    private static ProblemException unsupported(String detail) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported media type", detail);
    }
}
