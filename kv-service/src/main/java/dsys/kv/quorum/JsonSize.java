package dsys.kv.quorum;

import dsys.kv.quorum.QuorumMessages.Chosen;
import dsys.kv.quorum.QuorumMessages.EntrySummary;

import java.util.List;

/**
 * Upper bounds of the size of anti-entropy's message parts in JSON as the transport writes them (Jackson: UTF-8,
 * record components by name, nulls written), so that anti-entropy can keep each message within its byte budget
 * without serialising it. Field names and punctuation count as written, booleans as {@code false}.
 */
final class JsonSize {

    /** A message's own fields and brackets (round, list brackets, a floor's field names) besides its items. */
    static final long MESSAGE = 128;
    /** One bucket number in a list: up to 4 digits (buckets are 1..4096) and a comma. */
    static final long BUCKET = 5;

    private JsonSize() {
    }

    /** A JSON string with its quotes: quotes and backslashes escaped, control characters as up to \\u00XX. */
    static long string(String s) {
        if (s == null) return 4; // null
        long n = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') n += 2;
            else if (c < 0x20) n += 6;
            else if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else n += 3; // a surrogate pair is 4 bytes of UTF-8
        }
        return n;
    }

    /** A number in decimal, with its sign. */
    static long number(long v) {
        if (v == Long.MIN_VALUE) return 20;
        long n = v < 0 ? 2 : 1;
        for (long a = Math.abs(v); a >= 10; a /= 10) n++;
        return n;
    }

    /** Bucket digests in a list, with its brackets. */
    static long digests(List<Long> digests) {
        long n = 2;
        for (long d : digests) n += number(d) + 1;
        return n;
    }

    /** {@code {"counter":N,"node":S}} */
    static long ballot(Ballot b) {
        return 20 + number(b.counter()) + string(b.node());
    }

    /** {@code {"key":K,"accepted":B,"committed":false,"tombstone":false},} */
    static long entry(EntrySummary e) {
        return 57 + string(e.key()) + ballot(e.accepted());
    }

    /**
     * {@code {"key":K,"ballot":B,"content":{"version":B,"value":V,"writes":[{"op":S,"version":B},...],"lock":L}},}
     * with L null or {@code {"txn":S,"kind":"p","intent":S}}.
     */
    static long chosen(Chosen c) {
        Versioned v = c.content();
        Versioned.Lock l = v.lock();
        long n = 30 + string(c.key()) + ballot(c.ballot()) + 33 + ballot(v.version()) + string(v.value())
                + (l == null ? 12 : 48 + string(l.txn()) + string(l.intent()));
        for (Versioned.Write w : v.writes()) n += 19 + string(w.op()) + ballot(w.version());
        return n;
    }

    /** A key in a list, with its comma. */
    static long key(String k) {
        return string(k) + 1;
    }
}
