package dsys.launcher.verify;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Op;

import java.util.ArrayList;
import java.util.List;

/** Inline SVG: latency of every call over time and throughput per second, with the fault windows shaded. */
final class Charts {

    static final int W = 1000, H = 260, LEFT = 50, BOTTOM = 30, TOP = 20;
    private static final int MAX_POINTS = 30_000;

    /** A fault's window in seconds since the run started; an end of NaN means it never ended. */
    record Window(String fault, String detail, double from, double to) {
    }

    private Charts() {
    }

    static List<Window> windows(History h, long t0) {
        List<Window> out = new ArrayList<>();
        List<Op> open = new ArrayList<>();
        for (Op op : h.nemesisOps()) {
            String phase = String.valueOf(dsys.verifier.history.Values.field(op.value(), "phase"));
            if (phase.equals("start")) {
                open.add(op);
            } else {
                for (Op s : open) {
                    if (s.f().equals(op.f())) {
                        out.add(new Window(s.f(), String.valueOf(s.value()), sec(s.time(), t0), sec(op.time(), t0)));
                        open.remove(s);
                        break;
                    }
                }
            }
        }
        for (Op s : open) out.add(new Window(s.f(), String.valueOf(s.value()), sec(s.time(), t0), Double.NaN));
        return out;
    }

    static String latency(History h, long t0, double span, List<Window> windows) {
        double maxMs = 1;
        List<Call> done = new ArrayList<>();
        for (Call c : h.calls()) {
            if (c.completion() == null) continue;
            done.add(c);
            maxMs = Math.max(maxMs, ms(c));
        }
        double logMax = Math.log10(Math.max(10, maxMs * 1.2));
        StringBuilder sb = frame(span, windows, "latency (ms, log scale) by invocation time");
        for (int e = 0; e <= Math.floor(logMax); e++) {
            double y = ylog(Math.pow(10, e), logMax);
            sb.append(line(LEFT, y, W, y, "#eee")).append(text(LEFT - 4, y + 4, fmt(Math.pow(10, e)), "end"));
        }
        int step = Math.max(1, done.size() / MAX_POINTS);
        for (int i = 0; i < done.size(); i += step) {
            Call c = done.get(i);
            double x = x(sec(c.invoke().time(), t0), span), y = ylog(Math.max(0.1, ms(c)), logMax);
            sb.append(String.format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%s\" fill-opacity=\"0.6\"/>", x, y, color(c)));
        }
        return sb.append(legend()).append("</svg>").toString();
    }

    static String throughput(History h, long t0, double span, List<Window> windows) {
        int n = (int) Math.ceil(span) + 1;
        int[][] per = new int[n][3];
        for (Call c : h.calls()) {
            if (c.completion() == null) continue;
            int s = (int) Math.min(n - 1, Math.max(0, sec(c.completion().time(), t0)));
            per[s][c.isOk() ? 0 : c.isFail() ? 1 : 2]++;
        }
        int max = 1;
        for (int[] p : per) max = Math.max(max, p[0] + p[1] + p[2]);
        StringBuilder sb = frame(span, windows, "completed calls per second");
        int tickStep = Math.max(1, (int) Math.ceil(max / 4.0));
        for (int v = 0; v <= max; v += tickStep) {
            double y = ylin(v, max);
            sb.append(line(LEFT, y, W, y, "#eee")).append(text(LEFT - 4, y + 4, fmt(v), "end"));
        }
        double bw = Math.max(1, (W - LEFT) / span - 1);
        String[] colors = {"#2a9d4b", "#e0a030", "#d03030"};
        for (int s = 0; s < n; s++) {
            double base = 0;
            for (int k = 0; k < 3; k++) {
                if (per[s][k] == 0) continue;
                double y0 = ylin(base, max), y1 = ylin(base + per[s][k], max);
                sb.append(String.format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%d s: %d ok, %d fail, %d info</title></rect>",
                        x(s, span), y1, bw, y0 - y1, colors[k], s, per[s][0], per[s][1], per[s][2]));
                base += per[s][k];
            }
        }
        return sb.append(legend()).append("</svg>").toString();
    }

    static StringBuilder frame(double span, List<Window> windows, String title) {
        StringBuilder sb = new StringBuilder(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">", W, H));
        sb.append(text(LEFT, 12, title, "start"));
        for (Window w : windows) {
            double a = x(w.from(), span), b = x(Double.isNaN(w.to()) ? span : w.to(), span);
            sb.append(String.format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.18\"><title>%s %s</title></rect>",
                    a, TOP, Math.max(1, b - a), H - TOP - BOTTOM, faultColor(w.fault()), Report.esc(w.fault()), Report.esc(w.detail())));
            sb.append(text(a + 2, TOP + 10, w.fault(), "start"));
        }
        sb.append(line(LEFT, H - BOTTOM, W, H - BOTTOM, "#999")).append(line(LEFT, TOP, LEFT, H - BOTTOM, "#999"));
        int tick = span > 300 ? 60 : span > 60 ? 10 : 5;
        for (int s = 0; s <= span; s += tick) sb.append(text(x(s, span), H - BOTTOM + 14, s + " s", "middle"));
        return sb;
    }

    private static String legend() {
        return "<g font-size=\"10\">" + dot(W - 200, "#2a9d4b", "ok") + dot(W - 140, "#e0a030", "fail") + dot(W - 80, "#d03030", "info (unknown)") + "</g>";
    }

    private static String dot(int x, String color, String label) {
        return String.format("<circle cx=\"%d\" cy=\"9\" r=\"4\" fill=\"%s\"/>", x, color) + text(x + 7, 12, label, "start");
    }

    private static String color(Call c) {
        return c.isOk() ? "#2a9d4b" : c.isFail() ? "#e0a030" : "#d03030";
    }

    static String faultColor(String fault) {
        return switch (fault) {
            case "partition" -> "#3070d0";
            case "kill", "kill-all" -> "#d03030";
            case "pause" -> "#9040c0";
            case "skew" -> "#e0a030";
            default -> "#808080";
        };
    }

    static double sec(long time, long t0) {
        return (time - t0) / 1e9;
    }

    private static double ms(Call c) {
        return (c.completion().time() - c.invoke().time()) / 1e6;
    }

    static double x(double s, double span) {
        return LEFT + (W - LEFT - 5) * Math.max(0, s) / span;
    }

    private static double ylog(double ms, double logMax) {
        double f = Math.max(0, Math.log10(Math.max(1, ms))) / logMax;
        return H - BOTTOM - f * (H - TOP - BOTTOM - 10);
    }

    private static double ylin(double v, double max) {
        return H - BOTTOM - v / max * (H - TOP - BOTTOM - 10);
    }

    static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x1, y1, x2, y2, color);
    }

    static String text(double x, double y, String s, String anchor) {
        return String.format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor, Report.esc(s));
    }

    private static String fmt(double v) {
        return v >= 1000 ? String.format("%.0fk", v / 1000) : String.format("%.0f", v);
    }
}
