package dsys.kv.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A request body as the core stores it (a string): its content type, then the body, as text when it is valid
 * UTF-8 (readable in storage and in replica views) and in base64 otherwise, so any body comes back as it was.
 * Text that JSON would escape heavily (quotes, backslashes, control characters) is stored in base64 too: values
 * travel between nodes inside JSON messages, and base64 bounds a value's size there at 4/3 of the body.
 */
public record StoredValue(String contentType, byte[] body) {

    static final String DEFAULT_TYPE = "application/octet-stream";

    public String encode() {
        String type = contentType == null || contentType.isBlank() ? DEFAULT_TYPE : contentType.strip();
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
            if (jsonEscapes(text) * 3L <= body.length) return "t " + type + "\n" + text;
        } catch (CharacterCodingException binary) {
            // stored in base64 below
        }
        return "b " + type + "\n" + Base64.getEncoder().encodeToString(body);
    }

    /** Bytes JSON escaping adds to {@code text}: one per quote or backslash, five per other control character. */
    private static long jsonEscapes(String text) {
        long extra = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') extra++;
            else if (c < 0x20) extra += 5;
        }
        return extra;
    }

    /** The body as text when it is stored as text (for replica views), else null. */
    public static String text(String stored) {
        int nl = stored.indexOf('\n');
        return nl >= 2 && stored.charAt(0) == 't' ? stored.substring(nl + 1) : null;
    }

    public static StoredValue decode(String stored) {
        int nl = stored.indexOf('\n');
        if (nl < 2) return new StoredValue(DEFAULT_TYPE, stored.getBytes(StandardCharsets.UTF_8));
        String type = stored.substring(2, nl), rest = stored.substring(nl + 1);
        return new StoredValue(type, stored.charAt(0) == 'b' ? Base64.getDecoder().decode(rest)
                : rest.getBytes(StandardCharsets.UTF_8));
    }
}
