package dsys.launcher.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The hostile inputs: odd path segments, malformed and oversized JSON, wrong types, odd Unicode. */
final class Inputs {

    private Inputs() {
    }

    /** Path-parameter values, already percent-encoded where a raw byte could not travel in a URL. */
    static final List<String> SEGMENTS = List.of(
            "x", "status", "stats", "-1", "0", "99999999999999999999999999", "%00", "..%2F..%2Fetc%2Fpasswd", "%2e%2e",
            "%F0%9F%98%80", "%E2%80%AE%E2%80%8B", "%C3%28", "%FF%FE", "a%20b", "%22%3E%3Cscript%3E", "~!$&'()*+,;=",
            "k".repeat(4000));

    record Body(String name, String contentType, byte[] bytes) {
        Body(String name, String contentType, String text) {
            this(name, contentType, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    static List<Body> bodies(List<String> fields) {
        List<Body> out = new ArrayList<>(List.of(
                new Body("empty", "application/json", ""),
                new Body("truncated", "application/json", "{\"a\":"),
                new Body("not json", "application/json", "hello"),
                new Body("null", "application/json", "null"),
                new Body("array", "application/json", "[1,2,3]"),
                new Body("string", "application/json", "\"x\""),
                new Body("deep nesting", "application/json", "[".repeat(5000) + "]".repeat(5000)),
                new Body("lone surrogate", "application/json", "{\"owner\":\"\\ud800\",\"value\":\"\\udfff\"}"),
                new Body("nul and controls", "application/json", "{\"owner\":\"a\\u0000b\\u001f\",\"value\":\"\\u202e\"}"),
                new Body("invalid utf-8", "application/json", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}),
                new Body("xml", "application/xml", "<a>1</a>"),
                new Body("text", "text/plain", "plain text"),
                new Body("form", "application/x-www-form-urlencoded", "a=1&b=2"),
                new Body("big string", "application/json", "{\"value\":\"" + "v".repeat(3 << 20) + "\"}")));
        for (String f : fields) {
            for (String bad : List.of("\"abc\"", "1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "1.5",
                    "true", "[]", "{}", "null", "\"" + "\u00e9\u0301\ud83d\ude00".repeat(300) + "\"", "-1", "0")) {
                out.add(new Body(f + "=" + (bad.length() > 24 ? bad.substring(0, 24) + "…" : bad), "application/json",
                        "{\"" + f + "\":" + bad + "}"));
            }
        }
        return out;
    }
}
