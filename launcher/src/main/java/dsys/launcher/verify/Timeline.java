package dsys.launcher.verify;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Values;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A finding as a space-time diagram of client calls (Knossos style): one lane per process, a bar from invoke to
 * completion in true time, the calls the finding names outlined in red, every other call of the key that overlaps
 * them drawn for context. (The verifier's {@code SpaceTimeDiagram} draws messages between nodes; a history has
 * calls, not messages, hence this one.)
 */
final class Timeline {

    private static final int W = 1000, LANE = 26, LEFT = 110, MAX_CALLS = 80;

    private Timeline() {
    }

    static String render(History h, Judgement.Finding f, long t0) {
        if (f.key() == null || f.indices().isEmpty()) return "";
        List<Call> calls = h.callsByKey().getOrDefault(f.key(), List.of());
        Set<Long> named = Set.copyOf(f.indices());
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (Call c : calls) {
            if (!named.contains(c.invoke().index())) continue;
            lo = Math.min(lo, c.invoke().time());
            hi = Math.max(hi, c.completion() == null ? c.invoke().time() : c.completion().time());
        }
        if (lo == Long.MAX_VALUE) return "";
        long pad = Math.max(1_000_000, (hi - lo) / 10);
        long from = lo - pad, to = hi + pad;
        List<Call> shown = new ArrayList<>();
        for (Call c : calls) {
            long end = c.completion() == null ? Long.MAX_VALUE : c.completion().time();
            if (end >= from && c.invoke().time() <= to) shown.add(c);
        }
        // Too many for a picture: keep the named calls and those closest to them in history order.
        if (shown.size() > MAX_CALLS) {
            long mid = f.indices().get(0);
            shown.sort(Comparator.comparingLong((Call c) -> named.contains(c.invoke().index()) ? -1 : Math.abs(c.invoke().index() - mid)));
            shown = new ArrayList<>(shown.subList(0, MAX_CALLS));
        }
        Map<String, Integer> lanes = new TreeMap<>(Comparator.comparing((String p) -> p.length()).thenComparing(p -> p));
        shown.forEach(c -> lanes.put(c.process(), 0));
        int i = 0;
        for (String p : lanes.keySet()) lanes.put(p, i++);
        int height = 40 + lanes.size() * LANE;
        StringBuilder sb = new StringBuilder(String.format(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">", W, height));
        sb.append(Charts.text(LEFT, 14, String.format("key %s, %.3f s to %.3f s of the run (red: the calls the finding names; dashed: outcome unknown)",
                f.key(), Charts.sec(from, t0), Charts.sec(to, t0)), "start"));
        Map<String, String> nodeOf = new TreeMap<>();
        shown.forEach(c -> nodeOf.putIfAbsent(c.process(), c.invoke().node() == null ? "" : " " + c.invoke().node()));
        lanes.forEach((p, lane) -> sb.append(Charts.text(LEFT - 6, 40 + lane * LANE + 4, "p" + p + nodeOf.get(p), "end"))
                .append(Charts.line(LEFT, 40 + lane * LANE, W, 40 + lane * LANE, "#f0f0f0")));
        for (Call c : shown) {
            int y = 40 + lanes.get(c.process()) * LANE;
            double a = x(c.invoke().time(), from, to);
            double b = c.completion() == null ? W - 2 : x(c.completion().time(), from, to);
            boolean hot = named.contains(c.invoke().index());
            String fill = c.isOk() ? "#cdebd3" : c.isFail() ? "#f5e2bd" : "#f3c9c9";
            sb.append(String.format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" rx=\"3\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s>"
                            + "<title>%s</title></rect>", a, y - 8, Math.max(2, b - a), fill, hot ? "#d00000" : "#888", hot ? "2" : "1",
                    c.isUnknown() ? " stroke-dasharray=\"4 2\"" : "", Report.esc(describe(c))));
            sb.append(Charts.text(a + 3, y + 4, label(c), "start"));
        }
        return sb.append("</svg>").toString();
    }

    /** Calls that began before the window or end after it are cut at its edges. */
    private static double x(long t, long from, long to) {
        double f = Math.min(1, Math.max(0, (double) (t - from) / Math.max(1, to - from)));
        return LEFT + (W - LEFT - 4) * f;
    }

    static String label(Call c) {
        String v = switch (c.f()) {
            case "read" -> c.isOk() ? Values.toJson(c.output()) : "?";
            case "acquire" -> c.isOk() ? "t" + Values.field(c.output(), "token") : "";
            default -> Values.toJson(c.input());
        };
        String outcome = c.isOk() ? "" : c.isFail() ? " ✗" : " ?";
        return c.f() + " " + v + outcome;
    }

    static String describe(Call c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", c.invoke().index());
        m.put("process", c.process());
        m.put("node", c.invoke().node());
        m.put("f", c.f());
        m.put("value", c.input());
        m.put("outcome", c.outcome().name().toLowerCase());
        if (c.completion() != null) {
            m.put("result", c.output());
            m.put("error", c.completion().error());
            m.put("latencyMs", (c.completion().time() - c.invoke().time()) / 1e6);
        }
        return Values.toJson(m);
    }
}
