package dsys.verifier.bank;

import dsys.verifier.Verdict;
import dsys.verifier.bank.BankResult.Account;
import dsys.verifier.bank.BankResult.FinalRead;
import dsys.verifier.bank.BankResult.Finding;
import dsys.verifier.bank.BankResult.Outcomes;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jepsen's bank, judged only from what the clients were answered (never the servers' own events). Accounts open
 * with {@code opening} each and transfers only move money between them, so:
 * <ul>
 * <li>every ok snapshot read holds every account, none negative, and the total is accounts × opening;</li>
 * <li>so does the final read (process {@value #FINAL}, or {@code final.N}: after the faults healed), and each
 * account's balance there is within what the transfers allow: the opening, plus every ok transfer that returned
 * before the read began, plus any part of the transfers whose outcome is unknown (info, or ok but concurrent with
 * the read). Failed transfers certainly did nothing.</li>
 * </ul>
 * Shapes (the key is not read): {@code transfer} value {@code {"from", "to", "amount"}}; {@code read} ok value
 * {@code {account: balance}}, a balance being a whole number, or null for an absent account. Other calls (the
 * accounts' opening) are not judged. Without an ok read nothing is judged: unknown; without an ok final read the
 * final balances are not: unknown too (unknown is not a pass).
 */
public final class BankChecker {

    /** The final read's process (or its prefix, {@code final.N}). */
    public static final String FINAL = "final";
    /** Findings kept: one lost transfer makes every later snapshot wrong. */
    public static final int LIMIT = 20;

    private final List<String> accounts;
    private final long opening;

    public BankChecker(List<String> accounts, long opening) {
        if (accounts.isEmpty()) throw new IllegalArgumentException("a bank needs an account");
        this.accounts = List.copyOf(accounts);
        this.opening = opening;
    }

    public BankResult check(History h) {
        long origin = h.ops().isEmpty() ? 0 : h.ops().get(0).time();
        long total = opening * accounts.size();
        List<Finding> findings = new ArrayList<>();
        int[] dropped = {0};
        List<Call> transfers = new ArrayList<>();
        int snapshots = 0, attempts = 0;
        Call firstFinal = null, lastFinal = null, finalOk = null;
        int[] outcomes = new int[3];
        for (Call c : h.calls()) {
            if (c.f().equals("transfer")) {
                transfers.add(c);
                outcomes[c.isOk() ? 0 : c.isFail() ? 1 : 2]++;
            } else if (c.f().equals("read")) {
                boolean fin = isFinal(c.process());
                if (fin && finalOk == null) {
                    attempts++;
                    if (firstFinal == null) firstFinal = c;
                    lastFinal = c;
                }
                if (!c.isOk()) continue;
                if (!fin) snapshots++;
                else if (finalOk == null) finalOk = c; // the first that committed: later ones are judged as snapshots only
                snapshot(c, (fin ? "final read " : "read ") + at(c, origin), total, findings, dropped);
            }
        }
        Map<String, Account> perAccount = bounds(transfers, finalOk, origin, findings, dropped);
        FinalRead fr = firstFinal == null ? new FinalRead(-1, 0, 0, null)
                : new FinalRead(finalOk == null ? -1 : finalOk.invoke().index(), attempts,
                end(finalOk == null ? lastFinal : finalOk) - firstFinal.invoke().time(),
                lastFinal.completion() == null ? "no answer" : lastFinal.completion().error());
        Verdict verdict = Verdict.VALID;
        String note = null;
        if (!findings.isEmpty()) {
            verdict = Verdict.INVALID;
        } else if (snapshots == 0 && finalOk == null) {
            verdict = Verdict.UNKNOWN;
            note = "no snapshot read committed, so nothing was judged";
        } else if (finalOk == null) {
            verdict = Verdict.UNKNOWN;
            String why = attempts == 0 ? "the history has no final read" : String.format(
                    "none of %d final read attempts committed in %.1f s (last: %s)", attempts, fr.nanos() / 1e9, fr.lastError());
            note = snapshots + " snapshot read" + (snapshots == 1 ? " holds" : "s hold") + ", but " + why + ": the final balances are not judged";
        }
        return new BankResult(verdict, findings, dropped[0], total, snapshots,
                new Outcomes(outcomes[0], outcomes[1], outcomes[2]), perAccount, fr, note);
    }

    static boolean isFinal(String process) {
        return process.equals(FINAL) || process.startsWith(FINAL + ".");
    }

    /** Every account present and a whole number, none negative, nothing else, the total exact. */
    private void snapshot(Call c, String what, long total, List<Finding> findings, int[] dropped) {
        long idx = c.invoke().index();
        if (!(c.output() instanceof Map<?, ?> read)) {
            add(findings, dropped, null, what + ": the answer is not a map of balances but " + Values.toJson(c.output()), idx);
            return;
        }
        long sum = 0;
        boolean whole = true;
        for (String a : accounts) {
            Object v = read.get(a);
            Long b = balance(v);
            if (b == null) {
                whole = false;
                add(findings, dropped, a, what + ": " + (v == null ? (read.containsKey(a) ? a + " is absent" : "no balance for " + a)
                        : a + " holds " + Values.toJson(v) + ", not a whole number"), idx);
                continue;
            }
            if (b < 0) add(findings, dropped, a, what + ": " + a + " is negative, " + b, idx);
            sum += b;
        }
        for (Object k : read.keySet()) {
            if (!accounts.contains(String.valueOf(k))) {
                add(findings, dropped, String.valueOf(k), what + ": " + k + " is no account of this bank", idx);
            }
        }
        if (whole && sum != total) {
            add(findings, dropped, null, what + ": total " + sum + ", not " + accounts.size() + " × " + opening + " = " + total
                    + " (" + Values.toJson(read) + ")", idx);
        }
    }

    /**
     * Per account, what the transfers allow at the final read (or at the end of the history without one), and the
     * final balances checked against it.
     */
    private Map<String, Account> bounds(List<Call> transfers, Call fin, long origin, List<Finding> findings, int[] dropped) {
        Map<String, Account> out = new LinkedHashMap<>();
        Map<?, ?> read = fin != null && fin.output() instanceof Map<?, ?> m ? m : Map.of();
        for (String a : accounts) {
            int touching = 0, ok = 0;
            long net = 0, certain = 0, down = 0, up = 0;
            List<Long> unknown = new ArrayList<>();
            for (Call t : transfers) {
                long d = delta(t, a);
                if (!names(t, a)) continue;
                touching++;
                if (t.isOk()) {
                    ok++;
                    net += d;
                }
                if (t.isFail() || fin != null && t.invokePos() > fin.completionPos()) continue;
                if (t.isOk() && (fin == null || t.completionPos() < fin.invokePos())) {
                    certain += d;
                } else {
                    down += Math.min(0, d);
                    up += Math.max(0, d);
                    if (d != 0) unknown.add(t.invoke().index());
                }
            }
            long low = opening + certain + down, high = opening + certain + up;
            Long b = balance(read.get(a));
            out.put(a, new Account(touching, ok, net, low, high, b));
            if (b != null && (b < low || b > high)) {
                List<Long> idx = new ArrayList<>();
                idx.add(fin.invoke().index());
                idx.addAll(unknown.subList(0, Math.min(10, unknown.size())));
                add(findings, dropped, a, "final read " + at(fin, origin) + ": " + a + " is " + b + ", but the transfers allow "
                        + (low == high ? "exactly " + low : low + ".." + high) + ": " + opening + " opening, " + signed(certain)
                        + " from the ok transfers before it" + (unknown.isEmpty() ? ""
                        : ", " + signed(down) + " to " + signed(up) + " from " + unknown.size() + " of unknown outcome"), idx.toArray(Long[]::new));
            }
        }
        return out;
    }

    private static boolean names(Call t, String a) {
        return a.equals(field(t, "from")) || a.equals(field(t, "to"));
    }

    /** What transfer {@code t} moves into {@code a} (negative: out of it). */
    private static long delta(Call t, String a) {
        Long amount = balance(Values.field(t.input(), "amount"));
        if (field(t, "from") == null || field(t, "to") == null || amount == null) {
            throw new IllegalArgumentException("transfer at index " + t.invoke().index() + " needs {\"from\", \"to\", \"amount\"}, got "
                    + Values.toJson(t.input()));
        }
        return (a.equals(field(t, "to")) ? amount : 0) - (a.equals(field(t, "from")) ? amount : 0);
    }

    private static String field(Call t, String name) {
        Object v = Values.field(t.input(), name);
        return v == null ? null : String.valueOf(v);
    }

    /** A balance as read: a whole number, also as text ("100"); null for anything else. */
    public static Long balance(Object v) {
        if (v instanceof Long l) return l;
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String signed(long n) {
        return n >= 0 ? "+" + n : Long.toString(n);
    }

    /** "at index 57 (process 3, 12.345 s)": seconds since the history's first line. */
    private static String at(Call c, long origin) {
        return String.format("at index %d (process %s, %.3f s)", c.invoke().index(), c.process(), (c.invoke().time() - origin) / 1e9);
    }

    private static long end(Call c) {
        return c.completion() == null ? c.invoke().time() : c.completion().time();
    }

    private static void add(List<Finding> findings, int[] dropped, String account, String text, Long... indices) {
        if (findings.size() < LIMIT) findings.add(new Finding(account, text, List.of(indices)));
        else dropped[0]++;
    }
}
