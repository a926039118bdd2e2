package dsys.kv.api;

import dsys.kv.quorum.Ballot;
import dsys.platform.web.ProblemException;

/** Versions as HTTP entity tags: {@code "1712.kv-2"}; the conditional headers a write or read may carry. */
final class ETags {

    private ETags() {
    }

    static String of(Ballot version) {
        return "\"" + version + "\"";
    }

    /**
     * The precondition of a write: If-Match names the version it must replace (a compare-and-set), If-None-Match:
     * * asks that the key be absent (create only); null when neither is given.
     */
    static Ballot precondition(String ifMatch, String ifNoneMatch) {
        if (ifMatch != null && ifNoneMatch != null) throw bad("give If-Match or If-None-Match, not both");
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.strip().equals("*")) throw bad("a write takes If-None-Match: * (create only), got " + ifNoneMatch);
            return Ballot.ZERO;
        }
        if (ifMatch == null) return null;
        if (ifMatch.strip().equals("*")) {
            throw bad("If-Match: * is not supported; name the version to replace (the ETag a GET returned)");
        }
        return parse(ifMatch);
    }

    /** A single entity tag, quoted or not, weak or not; 400 naming the expected form otherwise. */
    static Ballot parse(String tag) {
        String t = tag.strip();
        if (t.startsWith("W/")) t = t.substring(2);
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) t = t.substring(1, t.length() - 1);
        try {
            Ballot b = Ballot.parse(t);
            if (b.zero()) throw new IllegalArgumentException("version 0 names no write");
            return b;
        } catch (IllegalArgumentException e) {
            throw bad("an ETag looks like \"1712.kv-2\" (as a GET returns it), got " + tag + ": " + e.getMessage());
        }
    }

    private static ProblemException bad(String detail) {
        return ProblemException.badRequest(detail);
    }
}
