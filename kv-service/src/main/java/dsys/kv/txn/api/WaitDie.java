package dsys.kv.txn.api;

/**
 * The ages wait-die compares. A coordinator names its transactions {@code <node>-<incarnation>-<n>}
 * ({@code CommitCoordinator}), so a lower (incarnation, n) began earlier. Ids named by an Idempotency-Key
 * ({@code key-...}) carry no age: with one of those, waiting is allowed as before wait-die.
 */
final class WaitDie {

    private static final String LOCKED_BY = "locked by transaction ";

    private WaitDie() {
    }

    /** Whether {@code txn} began before {@code holder}, or their ages cannot be compared. */
    static boolean olderThan(String txn, String holder) {
        long[] a = age(txn), b = age(holder);
        if (a == null || b == null) return true;
        return a[0] != b[0] ? a[0] < b[0] : a[1] < b[1];
    }

    /** (incarnation, n) of a coordinator-named id; null for any other. */
    static long[] age(String txn) {
        int last = txn.lastIndexOf('-'), before = last <= 0 ? -1 : txn.lastIndexOf('-', last - 1);
        if (before <= 0) return null;
        try {
            return new long[]{Long.parseLong(txn.substring(before + 1, last)), Long.parseLong(txn.substring(last + 1))};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The holder a 409 key-locked names ({@code KvReplies.locked}'s detail), or null. */
    static String holder(String detail) {
        int i = detail == null ? -1 : detail.indexOf(LOCKED_BY);
        if (i < 0) return null;
        int from = i + LOCKED_BY.length(), to = detail.indexOf(' ', from);
        return to < 0 ? detail.substring(from) : detail.substring(from, to);
    }
}
