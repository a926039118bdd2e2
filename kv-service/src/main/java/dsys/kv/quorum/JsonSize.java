package dsys.kv.quorum;

import dsys.kv.quorum.QuorumMessages.Chosen;
import dsys.kv.quorum.QuorumMessages.EntrySummary;

import java.util.List;

import static dsys.core.message.JsonBytes.number;
import static dsys.core.message.JsonBytes.string;

/**
 * Upper bounds of the size of anti-entropy's message parts in JSON as the transport writes them (Jackson: UTF-8,
 * record components by name, nulls written), so that anti-entropy can keep each message within its byte budget
 * without serialising it. Field names and punctuation count as written, booleans as {@code false}; strings and
 * numbers as platform-core {@code JsonBytes} counts them.
 */
final class JsonSize {

    /** A message's own fields and brackets (round, list brackets, a floor's field names) besides its items. */
    static final long MESSAGE = 128;
    /** One bucket number in a list: up to 4 digits (buckets are 1..4096) and a comma. */
    static final long BUCKET = 5;

    private JsonSize() {
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
