package dsys.launcher.verify;

import dsys.verifier.bank.BankChecker;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bank's part of the report: every committed snapshot read's total, and each account's balance, over time. */
final class BankChart {

    private static final String[] PALETTE = {"#3070d0", "#d07030", "#2a9d4b", "#9040c0", "#c03060", "#30a0a0", "#808030", "#606060"};
    private static final int MAX_READS = 5_000;

    private BankChart() {
    }

    /** One dot per read at its invocation: on the dashed line while the bank is whole, red off it. */
    static String totals(History h, long t0, double span, List<Charts.Window> windows, long expected) {
        List<Call> reads = reads(h);
        long max = expected;
        for (Call c : reads) max = Math.max(max, total(c));
        double top = Math.max(1, max * 1.25);
        StringBuilder sb = Charts.frame(span, windows, "total of each committed snapshot read (dashed: " + expected + ", the opening total)");
        sb.append(Charts.text(Charts.LEFT - 4, y(0, 0, top) + 4, "0", "end"))
                .append(Charts.text(Charts.LEFT - 4, y(expected, 0, top) + 4, Long.toString(expected), "end"))
                .append(String.format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>",
                        Charts.LEFT, y(expected, 0, top), Charts.W, y(expected, 0, top)));
        for (Call c : reads) {
            long t = total(c);
            boolean whole = t == expected && complete(c);
            sb.append(String.format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>%s</title></circle>",
                    Charts.x(Charts.sec(c.invoke().time(), t0), span), y(t, 0, top), whole ? "2" : "3.5", whole ? "#2a9d4b" : "#d03030",
                    Report.esc(String.format("index %d, %.3f s: total %d %s", c.invoke().index(), Charts.sec(c.invoke().time(), t0), t,
                            dsys.verifier.history.Values.toJson(c.output())))));
        }
        return sb.append("</svg>").toString();
    }

    /** One line per account through its balance in every read. */
    static String balances(History h, long t0, double span, List<Charts.Window> windows) {
        List<Call> reads = reads(h);
        Map<String, StringBuilder> lines = new LinkedHashMap<>();
        long lo = 0, hi = 1;
        for (Call c : reads) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) c.output()).entrySet()) {
                Long b = BankChecker.balance(e.getValue());
                lines.computeIfAbsent(String.valueOf(e.getKey()), k -> new StringBuilder());
                if (b == null) continue;
                lo = Math.min(lo, b);
                hi = Math.max(hi, b);
            }
        }
        double top = hi * 1.1;
        StringBuilder sb = Charts.frame(span, windows, "balance of each account by snapshot read");
        long step = Math.max(10, Math.round(Math.ceil((top - lo) / 4.0 / 10)) * 10);
        for (long v = lo - Math.floorMod(lo, step); v <= top; v += step) {
            if (v < lo) continue;
            sb.append(Charts.line(Charts.LEFT, y(v, lo, top), Charts.W, y(v, lo, top), "#eee"))
                    .append(Charts.text(Charts.LEFT - 4, y(v, lo, top) + 4, Long.toString(v), "end"));
        }
        int stride = Math.max(1, reads.size() / MAX_READS);
        for (int i = 0; i < reads.size(); i += stride) {
            Call c = reads.get(i);
            double x = Charts.x(Charts.sec(c.invoke().time(), t0), span);
            for (Map.Entry<?, ?> e : ((Map<?, ?>) c.output()).entrySet()) {
                Long b = BankChecker.balance(e.getValue());
                if (b != null) lines.get(String.valueOf(e.getKey())).append(String.format("%.1f,%.1f ", x, y(b, lo, top)));
            }
        }
        int i = 0;
        for (Map.Entry<String, StringBuilder> e : lines.entrySet()) {
            String color = PALETTE[i % PALETTE.length];
            sb.append(String.format("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\"><title>%s</title></polyline>",
                    e.getValue().toString().trim(), color, Report.esc(e.getKey())));
            if (lines.size() <= 10) { // beyond, a legend would cover the title: hovering a line names it
                int lx = Charts.W - 60 * (lines.size() - i);
                sb.append(String.format("<circle cx=\"%d\" cy=\"9\" r=\"4\" fill=\"%s\"/>", lx, color))
                        .append(Charts.text(lx + 7, 12, "#" + shortName(e.getKey()), "start"));
            }
            i++;
        }
        return sb.append("</svg>").toString();
    }

    /** An account's number: its name after the run id ({@code v20240101120000-acct-3} → 3). */
    static String shortName(String account) {
        return account.substring(account.lastIndexOf('-') + 1);
    }

    /** The ok reads (the final one too) whose answer is a map of balances. */
    private static List<Call> reads(History h) {
        List<Call> out = new ArrayList<>();
        for (Call c : h.calls()) if (c.f().equals("read") && c.isOk() && c.output() instanceof Map<?, ?>) out.add(c);
        return out;
    }

    private static long total(Call c) {
        return total((Map<?, ?>) c.output());
    }

    /** The sum of a read's whole-number balances. */
    static long total(Map<?, ?> read) {
        long t = 0;
        for (Object v : read.values()) {
            Long b = BankChecker.balance(v);
            if (b != null) t += b;
        }
        return t;
    }

    private static boolean complete(Call c) {
        return ((Map<?, ?>) c.output()).values().stream().allMatch(v -> BankChecker.balance(v) != null);
    }

    private static double y(double v, double lo, double hi) {
        return Charts.H - Charts.BOTTOM - (v - lo) / (hi - lo) * (Charts.H - Charts.TOP - Charts.BOTTOM - 10);
    }
}
