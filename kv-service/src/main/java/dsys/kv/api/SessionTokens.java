package dsys.kv.api;

import dsys.kv.eventual.Guarantee;
import dsys.kv.eventual.Session;
import dsys.kv.quorum.Ballot;
import dsys.platform.web.ProblemException;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * The {@code X-Dsys-Session} header: a {@link Session} (per key the session touched, the highest version it read
 * and the highest it wrote) as base64url without padding of {@code s1;ks/key=read,written;...}, each field
 * percent-encoded, a version as ETags show it ({@code 1712.kv-2}; {@code 0.} for none). Opaque to clients, but
 * nothing in it is secret or signed: a client that edits it only asks for more (or less) than it saw.
 */
final class SessionTokens {

    static final String SESSION = "X-Dsys-Session";
    static final String GUARANTEES = "X-Dsys-Guarantees";
    private static final String MAGIC = "s1";

    private SessionTokens() {
    }

    static String encode(Session s) {
        StringBuilder b = new StringBuilder(MAGIC);
        for (Session.Entry e : s.entries()) {
            b.append(';').append(pct(e.keyspace())).append('/').append(pct(e.key())).append('=')
                    .append(pct(e.read().toString())).append(',').append(pct(e.written().toString()));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The session a header carries (an empty one for none); 400 if it is not a token this service issued. */
    static Session decode(String header) {
        Session s = new Session();
        if (header == null || header.isBlank()) return s;
        try {
            String text = new String(Base64.getUrlDecoder().decode(header.strip()), StandardCharsets.UTF_8);
            String[] parts = text.split(";", -1);
            if (!parts[0].equals(MAGIC)) throw new IllegalArgumentException("it does not start with " + MAGIC);
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i];
                int slash = p.indexOf('/'), eq = p.indexOf('='), comma = p.indexOf(',', eq);
                if (slash < 0 || eq < slash || comma < 0) throw new IllegalArgumentException("entry " + i + " is malformed");
                s.add(new Session.Entry(unpct(p.substring(0, slash)), unpct(p.substring(slash + 1, eq)),
                        Ballot.parse(unpct(p.substring(eq + 1, comma))), Ballot.parse(unpct(p.substring(comma + 1)))));
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(SESSION + " must be a token as the last response's " + SESSION
                    + " header returned it (" + e.getMessage() + "); omit it to start a new session");
        }
    }

    /** The guarantees asked for; 400 naming the valid ones for an unknown name. */
    static Set<Guarantee> guarantees(String header) {
        try {
            return Guarantee.parse(header);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(GUARANTEES + ": " + e.getMessage());
        }
    }

    private static String pct(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String unpct(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
