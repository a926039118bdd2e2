package dsys.kv.api;

import dsys.kv.quorum.QuorumStore;
import dsys.platform.web.ProblemException;

import java.nio.charset.StandardCharsets;

/**
 * Which keys the REST API takes: a key is one path segment, as the client percent-encoded it, decoded. It must be
 * 1..1024 bytes of UTF-8, hold no control character (U+0000-U+001F, U+007F-U+009F), none of '/', '\' and ';'
 * (a path separator, one Tomcat treats as such, a path parameter that Spring would silently cut off), and not be
 * '.' or '..' (removed by path normalization). Anything else, spaces and non-ASCII included, is a key once encoded.
 * Checked before anything is sent, so a refused key changes nothing.
 */
final class Keys {

    private Keys() {
    }

    /** {@code rawPath}: the request URI as sent (still encoded), where a ';' is still visible. */
    static void check(String key, String rawPath) {
        if (rawPath != null && rawPath.indexOf(';') >= 0) {
            throw bad("';' in a path starts a path parameter, which would be cut off the key; encode it or leave it out");
        }
        if (key == null || key.isEmpty()) throw bad("the key must not be empty");
        if (key.getBytes(StandardCharsets.UTF_8).length > QuorumStore.MAX_KEY_BYTES) {
            throw bad("the key is longer than " + QuorumStore.MAX_KEY_BYTES + " bytes of UTF-8");
        }
        if (key.equals(".") || key.equals("..")) throw bad("'.' and '..' are not keys (path normalization removes them)");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                throw bad("the key holds control character U+" + String.format("%04X", (int) c) + " at " + i);
            }
            if (c == '/' || c == '\\' || c == ';') {
                throw bad("the key holds '" + c + "' at " + i + "; a key is one path segment without '/', '\\\\' or ';'");
            }
        }
    }

    private static ProblemException bad(String detail) {
        return new ProblemException(400, "bad-key", "Bad key", detail);
    }
}
