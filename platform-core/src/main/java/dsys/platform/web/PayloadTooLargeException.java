package dsys.platform.web;

import java.io.IOException;

/**
 * A request body grew past its limit while being read. An IOException, because that is what a body stream may
 * throw: whatever read it (Jackson, a controller, a servlet) unwinds as from a broken connection, and the problem
 * handler answers 413 instead of the 400 a broken body would get.
 */
public class PayloadTooLargeException extends IOException {

    public static final String SLUG = "payload-too-large";
    public static final String TITLE = "Payload too large";

    public PayloadTooLargeException(String detail) {
        super(detail, null);
    }

    public static PayloadTooLargeException over(long limit) {
        return new PayloadTooLargeException("the request body is larger than " + limit + " bytes, the most this server accepts");
    }
}
