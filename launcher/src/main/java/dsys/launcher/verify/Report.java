package dsys.launcher.verify;

import dsys.verifier.history.History;
import dsys.verifier.history.Op;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code report.html}: one self-contained page (inline CSS and SVG, nothing fetched). */
final class Report {

    private Report() {
    }

    static void write(Path file, RunOptions o, History h, Judgement j, long t0) throws IOException {
        long last = h.ops().isEmpty() ? t0 : h.ops().get(h.size() - 1).time();
        double span = Math.max(1, Charts.sec(last, t0));
        List<Charts.Window> windows = Charts.windows(h, t0);
        Summary s = Summary.of(h);
        String color = switch (j.verdict()) {
            case VALID -> "#2a9d4b";
            case INVALID -> "#d03030";
            case UNKNOWN -> "#e0a030";
        };
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>verify ").append(esc(o.workload())).append(": ")
                .append(j.verdict().label()).append("</title><style>")
                .append("body{font-family:sans-serif;margin:24px;max-width:1040px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:13px}")
                .append("pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:12px}.scroll{overflow-x:auto}")
                .append("</style></head><body>");
        b.append("<h1>verify ").append(esc(o.workload())).append(": <span style=\"color:").append(color).append("\">")
                .append(j.verdict().label().toUpperCase()).append("</span></h1>");
        b.append("<p>").append(esc(j.checker())).append(": ").append(esc(j.summary())).append(", checked in ")
                .append(j.elapsedNanos() / 1_000_000).append(" ms.</p>");
        b.append("<table><tr><th>run</th><td>").append(o.concurrency()).append(" clients, ").append(o.timeS())
                .append(" s, ").append(o.keys()).append(' ').append(o.unit()).append("(s)").append(switch (o.workload()) {
                    case "lock" -> ", lease " + o.leaseMs() + " ms";
                    case "bank" -> ", POST /api/txn under " + esc(o.protocol());
                    case "set" -> ", keyspace " + esc(o.keyspace()) + ", even clients ask for the session guarantees";
                    default -> ", read=" + esc(o.read());
                })
                .append(", seed ").append(o.seed()).append("</td></tr><tr><th>nemesis</th><td>")
                .append(o.faults().isEmpty() ? "none" : esc(o.faults().stream().map(Nemesis.Fault::label).toList().toString()))
                .append(", ").append(windows.size()).append(" fault windows</td></tr><tr><th>calls</th><td>")
                .append(esc(s.toString())).append("</td></tr><tr><th>history</th><td>history.jsonl, ").append(h.size())
                .append(Set.of("bank", "set").contains(o.workload()) ? " lines (no <code>./platform check</code> model for "
                        + o.workload() + " yet)" : " lines; <code>./platform check " + model(o) + " history.jsonl</code> judges it again")
                .append("</td></tr></table>");

        if (!j.notes().isEmpty()) {
            b.append("<ul>");
            j.notes().forEach(n -> b.append("<li>").append(esc(n)).append("</li>"));
            b.append("</ul>");
        }
        b.append("<h2>Per ").append(o.unit()).append("</h2><table><tr><th>").append(o.unit()).append("</th><th>verdict</th><th>")
                .append(switch (o.workload()) {
                    case "bank" -> "transfers</th><th>balance";
                    case "set" -> "calls</th><th>copies after the heal";
                    default -> "calls</th><th>search";
                }).append("</th></tr>");
        j.keys().forEach((k, r) -> b.append("<tr><td>").append(esc(k)).append("</td><td>").append(r.verdict().label())
                .append("</td><td>").append(r.calls()).append("</td><td>").append(esc(r.search())).append("</td></tr>"));
        b.append("</table>");

        if (!j.findings().isEmpty()) {
            b.append("<h2>Counterexample").append(j.findings().size() > 1 ? "s" : "").append("</h2>");
            for (Judgement.Finding f : j.findings().subList(0, Math.min(5, j.findings().size()))) {
                b.append("<pre>").append(esc(f.text())).append("</pre><div class=\"scroll\">").append(Timeline.render(h, f, t0)).append("</div>");
            }
            if (j.findings().size() > 5) b.append("<p>… and ").append(j.findings().size() - 5).append(" more.</p>");
        }

        b.append("<h2>Latency</h2>").append(Charts.latency(h, t0, span, windows));
        b.append("<h2>Throughput</h2>").append(Charts.throughput(h, t0, span, windows));
        if (o.workload().equals("bank")) {
            b.append("<h2>Snapshots</h2>").append(BankChart.totals(h, t0, span, windows, o.keys() * BankWorkload.OPENING))
                    .append(BankChart.balances(h, t0, span, windows));
        }
        b.append("<h2>Faults</h2><table><tr><th>fault</th><th>from</th><th>to</th><th>what</th></tr>");
        for (Charts.Window w : windows) {
            b.append("<tr><td>").append(esc(w.fault())).append("</td><td>").append(String.format("%.1f s", w.from()))
                    .append("</td><td>").append(Double.isNaN(w.to()) ? "never healed" : String.format("%.1f s", w.to()))
                    .append("</td><td>").append(esc(w.detail())).append("</td></tr>");
        }
        b.append("</table><h2>Nemesis lines</h2><pre>");
        for (Op op : h.nemesisOps()) b.append(esc(String.format("%8.3f s  %s %s", Charts.sec(op.time(), t0), op.f(), op.value()))).append('\n');
        b.append("</pre></body></html>\n");
        Files.writeString(file, b);
    }

    private static String model(RunOptions o) {
        return switch (o.workload()) {
            case "cas" -> "cas-register";
            case "lock" -> "lock";
            default -> "register";
        };
    }

    static String esc(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
