package dsys.core.commit;

import dsys.core.env.Durable;

import java.util.function.Consumer;

/**
 * Which ended transactions the coordinator's log keeps: the newest {@code retained} of those begun without an
 * Idempotency-Key, and every keyed one. Without a bound the log only grew, and with it the node's memory (its
 * storage keeps every record in memory): txn-1's 160 MiB heap was full after ~150,000 transfers, and it spent
 * more CPU collecting garbage than coordinating.
 *
 * <p>Forgetting an ended transaction is safe for the protocol: ENDED means every participant logged the decision,
 * so none is left to ask, and a late question about it gets presumed abort, which a decided participant ignores.
 * Its ids are never reused ({@code <node>-<incarnation>-<seq>}). A keyed one is kept because a key has no expiry
 * (a retry gets the first outcome): begun again under the same id, a participant still holding its record would
 * answer the old vote without preparing.
 *
 * <p>Each ended transaction gets the next number ({@link #NEXT}); the numbers below {@link #TRIMMED} are gone. A start
 * forgets what lies beyond the bound (a log from before the bound, or a bound lowered since), then each ended
 * transaction makes the oldest one go.
 */
final class EndedRetention {

    static final String SEQ = "commit.c-ended-seq.", NEXT = "commit.c-ended-next", TRIMMED = "commit.c-trimmed-below";

    private final long retained;
    private long next;
    private long trimmedBelow;

    /** {@code retained}: ended, unkeyed transactions kept (Long.MAX_VALUE: all). */
    EndedRetention(long retained) {
        if (retained < 0) throw new IllegalArgumentException("retained ended transactions must be 0 or more, got " + retained);
        this.retained = retained;
    }

    static boolean keyed(String txn) {
        return txn.startsWith(CommitCoordinator.KEYED);
    }

    /**
     * At start: the counters, and what lies beyond the bound is forgotten. A log written before ended transactions
     * were numbered has its unkeyed ones numbered once (a scan of the ended marks: the one start that reads them all).
     */
    void load(Durable log, String endedPrefix, Consumer<String> forget) {
        if (log.get(NEXT).isEmpty()) {
            long n = 0;
            for (String mark : log.scan(endedPrefix).keySet()) {
                String id = mark.substring(endedPrefix.length());
                if (!keyed(id)) log.put(SEQ + n++, id);
            }
            log.put(NEXT, Long.toString(n));
        }
        next = Long.parseLong(log.get(NEXT).orElseThrow());
        trimmedBelow = log.get(TRIMMED).map(Long::parseLong).orElse(0L);
        trim(log, forget);
    }

    /** {@code txn} ended: numbered, and the oldest beyond the bound are forgotten ({@code forget} removes their records). */
    void ended(Durable log, String txn, Consumer<String> forget) {
        if (keyed(txn)) return;
        log.put(SEQ + next, txn);
        next++;
        log.put(NEXT, Long.toString(next));
        trim(log, forget);
    }

    private void trim(Durable log, Consumer<String> forget) {
        boolean trimmed = false;
        while (next - trimmedBelow > retained) {
            log.get(SEQ + trimmedBelow).ifPresent(forget);
            log.remove(SEQ + trimmedBelow);
            trimmedBelow++;
            trimmed = true;
        }
        if (trimmed) log.put(TRIMMED, Long.toString(trimmedBelow));
    }
}
