package dsys.core.commit;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * What the coordinator logs beside a transaction's state record ({@code commit.c-outcome.<id>}), put in the same step
 * as that record, so the same group commit makes both durable (no fsync of its own): the vote-commits' reads, the
 * reason of an abort and the {@link CommitRequests.Messages} counted up to the decision. Written with the decision,
 * and in 3PC first with PRECOMMIT (reads only): a coordinator that restarts in PRECOMMIT learns the outcome later,
 * and a commit it learns needs the reads its votes carried before the crash.
 *
 * <p>One line each: the reason in base64 ({@code -}: none); the counts as {@code name=n,...}; then one line per read,
 * keyspace, key, value ({@code -}: absent) in base64 and the version, separated by spaces.
 */
record DecisionRecord(String reason, List<TxnRead> reads, Map<String, Long> messages) {

    static final DecisionRecord NONE = new DecisionRecord(null, List.of(), Map.of());

    DecisionRecord {
        reads = List.copyOf(reads);
        messages = new TreeMap<>(messages);
    }

    String encode() {
        StringBuilder b = new StringBuilder(reason == null ? "-" : b64(reason)).append('\n');
        b.append(String.join(",", messages.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        for (TxnRead r : reads) {
            b.append('\n').append(b64(r.keyspace())).append(' ').append(b64(r.key())).append(' ')
                    .append(r.value() == null ? "-" : b64(r.value())).append(' ').append(b64(r.version()));
        }
        return b.toString();
    }

    static DecisionRecord decode(String s) {
        String[] lines = s.split("\n", -1);
        Map<String, Long> messages = new TreeMap<>();
        for (String c : lines[1].split(",")) {
            int eq = c.indexOf('=');
            if (eq > 0) messages.put(c.substring(0, eq), Long.parseLong(c.substring(eq + 1)));
        }
        List<TxnRead> reads = new ArrayList<>();
        for (int i = 2; i < lines.length; i++) {
            String[] f = lines[i].split(" ", -1);
            reads.add(new TxnRead(unb64(f[0]), unb64(f[1]), f[2].equals("-") ? null : unb64(f[2]), unb64(f[3])));
        }
        return new DecisionRecord(lines[0].equals("-") ? null : unb64(lines[0]), reads, messages);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), UTF_8);
    }
}
