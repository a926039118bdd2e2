package dsys.launcher.verify;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Values;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A finding as a space-time diagram of client calls (Knossos style): one lane per process, a bar from invoke to
 * completion in event order, the calls the finding names outlined in red, the calls of the key concurrent with one
 * of them drawn for context. (The verifier's {@code SpaceTimeDiagram} draws messages between nodes; a history has
 * calls, not messages, hence this one.)
 */
final class Timeline {

    private static final int W = 1000, LANE = 26, LEFT = 110, MAX_CALLS = 40;

    private Timeline() {
    }

    static String render(History h, Judgement.Finding f, long t0) {
        if (f.key() == null || f.indices().isEmpty()) return "";
        List<Call> calls = h.callsByKey().getOrDefault(f.key(), List.of());
        Set<Long> named = Set.copyOf(f.indices());
        List<Call> hot = calls.stream().filter(c -> named.contains(c.invoke().index())).toList();
        if (hot.isEmpty()) return "";
        // The named calls and those concurrent with one of them: what could have gone in between.
        List<Call> shown = new ArrayList<>(hot);
        for (Call c : calls) {
            if (!named.contains(c.invoke().index()) && hot.stream().anyMatch(x -> overlaps(c, x))) shown.add(c);
        }
        if (shown.size() > MAX_CALLS) {
            long mid = hot.get(hot.size() - 1).invoke().index();
            shown.sort(Comparator.comparingLong((Call c) -> named.contains(c.invoke().index()) ? -1 : Math.abs(c.invoke().index() - mid)));
            shown = new ArrayList<>(shown.subList(0, MAX_CALLS));
        }
        // x is the order of events (invokes and completions), not time: a counterexample may span a minute, yet
        // what matters is which call began or ended before which.
        TreeSet<Long> events = new TreeSet<>();
        for (Call c : shown) {
            events.add(c.invoke().index());
            if (c.completion() != null) events.add(c.completion().index());
        }
        List<Long> order = new ArrayList<>(events);
        double slot = (double) (W - LEFT - 20) / (order.size() + 1);
        Map<String, Integer> lanes = new TreeMap<>(Comparator.comparing((String p) -> p.length()).thenComparing(p -> p));
        shown.forEach(c -> lanes.put(c.process(), 0));
        int i = 0;
        for (String p : lanes.keySet()) lanes.put(p, i++);
        int height = 40 + lanes.size() * LANE;
        StringBuilder sb = new StringBuilder(String.format(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">", W, height));
        long first = shown.stream().mapToLong(c -> c.invoke().time()).min().orElse(t0);
        long last = shown.stream().mapToLong(c -> c.completion() == null ? c.invoke().time() : c.completion().time()).max().orElse(t0);
        sb.append(Charts.text(LEFT, 14, String.format("key %s, %.3f s to %.3f s of the run, in event order (red: the calls the finding names; "
                + "dashed: outcome unknown; hover for details)", f.key(), Charts.sec(first, t0), Charts.sec(last, t0)), "start"));
        Map<String, String> nodeOf = new TreeMap<>();
        shown.forEach(c -> nodeOf.putIfAbsent(c.process(), c.invoke().node() == null ? "" : " " + c.invoke().node()));
        lanes.forEach((p, lane) -> sb.append(Charts.text(LEFT - 6, 40 + lane * LANE + 4, "p" + p + nodeOf.get(p), "end"))
                .append(Charts.line(LEFT, 40 + lane * LANE, W, 40 + lane * LANE, "#f0f0f0")));
        for (Call c : shown) {
            int y = 40 + lanes.get(c.process()) * LANE;
            double a = LEFT + slot * (Collections.binarySearch(order, c.invoke().index()) + 0.5);
            double b = c.completion() == null ? W - 2 : LEFT + slot * (Collections.binarySearch(order, c.completion().index()) + 0.5);
            boolean isHot = named.contains(c.invoke().index());
            String fill = c.isOk() ? "#cdebd3" : c.isFail() ? "#f5e2bd" : "#f3c9c9";
            sb.append(String.format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" rx=\"3\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s>"
                            + "<title>%s</title></rect>", a, y - 8, Math.max(2, b - a), fill, isHot ? "#d00000" : "#888", isHot ? "2" : "1",
                    c.isUnknown() ? " stroke-dasharray=\"4 2\"" : "", Report.esc(describe(c))));
            String label = label(c);
            if (b - a > 6.5 * label.length()) sb.append(Charts.text(a + 3, y + 4, label, "start"));
        }
        return sb.append("</svg>").toString();
    }

    /** Neither returned before the other was invoked (history positions; an unknown outcome never returns). */
    private static boolean overlaps(Call a, Call b) {
        long aEnd = a.completion() == null ? Long.MAX_VALUE : a.completion().index();
        long bEnd = b.completion() == null ? Long.MAX_VALUE : b.completion().index();
        return a.invoke().index() < bEnd && b.invoke().index() < aEnd;
    }

    static String label(Call c) {
        String v = switch (c.f()) {
            // A bank snapshot shows its total: its balances would not fit.
            case "read" -> !c.isOk() ? "?" : c.output() instanceof Map<?, ?> m ? "Σ " + BankChart.total(m) : Values.toJson(c.output());
            case "transfer" -> Values.field(c.input(), "amount") + " #" + BankChart.shortName(String.valueOf(Values.field(c.input(), "from")))
                    + "→#" + BankChart.shortName(String.valueOf(Values.field(c.input(), "to")));
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
