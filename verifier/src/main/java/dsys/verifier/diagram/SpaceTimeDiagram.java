package dsys.verifier.diagram;

import dsys.verifier.journal.MessageEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a message journal as a space-time (Lamport) diagram in SVG: one horizontal line
 * per node, a dot per send or receive labelled with its Lamport time (above) and vector
 * clock (below, alternating between two rows; entries in lane order), an arrow per delivered message, coloured by message
 * type, and a dashed stub ending in × for a message never received. Hovering shows the full
 * event. The x axis is a happened-before layout, not wall time: each event sits one column
 * after its node's previous event and after the send it receives, so arrows always point
 * right, and ~200 messages stay legible with horizontal scrolling.
 */
public final class SpaceTimeDiagram {

    /** What to draw besides dots and arrows. */
    public record Options(String title, boolean lamport, boolean vectors, boolean typeLabels) {
        public static Options defaults() {
            return new Options("Space-time diagram", true, true, true);
        }
    }

    private static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
            "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"};
    private static final int LEFT = 90;
    private static final int TOP = 70;
    private static final int LANE = 90;

    private SpaceTimeDiagram() {
    }

    public static String render(List<MessageEvent> journal) {
        return render(journal, Options.defaults());
    }

    public static void write(List<MessageEvent> journal, Path out) throws IOException {
        Files.writeString(out, render(journal), StandardCharsets.UTF_8);
    }

    public static String render(List<MessageEvent> journal, Options o) {
        Layout l = new Layout(journal);
        // Vector labels alternate between two rows, so neighbours need only half a label of room.
        int dx = o.vectors() ? Math.max(32, 10 + 3 * vectorWidth(journal, l.nodes)) : 30;
        int width = LEFT + (l.columns + 1) * dx + 60;
        int height = TOP + l.nodes.size() * LANE + 10;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"10\">%n", width, height, width, height));
        svg.append("<defs>");
        for (int i = 0; i < PALETTE.length; i++) {
            svg.append(String.format("<marker id=\"a%d\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
                    + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"%s\"/></marker>", i, PALETTE[i]));
        }
        svg.append("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append("<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">").append(esc(o.title())).append("</text>\n");
        legend(svg, l);
        for (int n = 0; n < l.nodes.size(); n++) {
            int y = laneY(n);
            svg.append(String.format("<line class=\"lane\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT, y, width - 20, y));
            svg.append(String.format("<text x=\"10\" y=\"%d\" font-size=\"12\" font-weight=\"bold\">%s</text>%n", y + 4, esc(l.nodes.get(n))));
        }
        for (int i = 0; i < journal.size(); i++) message(svg, journal, l, i, dx, o);
        for (int i = 0; i < journal.size(); i++) event(svg, journal.get(i), l, i, dx, o);
        return svg.append("</svg>\n").toString();
    }

    private static void legend(StringBuilder svg, Layout l) {
        int x = 10;
        svg.append("<text x=\"10\" y=\"38\" fill=\"#555\">x: happened-before order, not wall time; "
                + "above a dot: Lamport time, below: vector clock [").append(esc(String.join(",", l.nodes))).append("]</text>\n");
        for (Map.Entry<String, Integer> t : l.types.entrySet()) {
            svg.append(String.format("<text x=\"%d\" y=\"54\" fill=\"%s\">&#9632; %s</text>", x, color(t.getValue()), esc(t.getKey())));
            x += 24 + 7 * t.getKey().length();
        }
        svg.append(String.format("<text x=\"%d\" y=\"54\" fill=\"#555\">&#215; lost</text>%n", x));
    }

    private static void message(StringBuilder svg, List<MessageEvent> journal, Layout l, int i, int dx, Options o) {
        MessageEvent e = journal.get(i);
        int x2 = LEFT + l.column[i] * dx;
        int y2 = laneY(l.lane(e.node()));
        int type = l.types.get(typeOf(e));
        if (e.isSend()) {
            if (l.received.containsKey(e.msgId()) || !l.nodes.contains(e.peer())) return;
            int y = laneY(l.lane(e.peer()));
            int ym = (y2 + y) / 2;
            int xm = x2 + dx / 2;
            svg.append(String.format("<g class=\"lost\"><title>%s lost</title><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                    + "stroke=\"%s\" stroke-dasharray=\"4 3\"/><text x=\"%d\" y=\"%d\" font-size=\"14\" fill=\"%s\" "
                    + "text-anchor=\"middle\">&#215;</text></g>%n", esc(describe(e)), x2, y2, xm, ym, color(type), xm, ym + 5, color(type)));
            return;
        }
        Integer s = l.sendIndex.get(e.msgId());
        if (s == null || s > i) return;
        int x1 = LEFT + l.column[s] * dx;
        int y1 = laneY(l.lane(journal.get(s).node()));
        svg.append(String.format("<g class=\"msg\"><title>%s</title><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                + "stroke=\"%s\" stroke-width=\"1.3\" marker-end=\"url(#a%d)\"/>", esc(describe(e)), x1, y1, x2, y2, color(type),
                type % PALETTE.length));
        if (o.typeLabels() && e.type() != null) {
            // Halfway between the sender's lane and the next one, clear of both lanes' labels.
            double t = y1 == y2 ? 0.5 : Math.min(0.5, (LANE / 2.0) / Math.abs(y2 - y1));
            double tx = x1 + (x2 - x1) * t + 3;
            double ty = y1 + (y2 - y1) * t;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"8\" fill=\"%s\">%s</text>",
                    tx, ty, color(type), esc(e.type())));
        }
        svg.append("</g>\n");
    }

    private static void event(StringBuilder svg, MessageEvent e, Layout l, int i, int dx, Options o) {
        int x = LEFT + l.column[i] * dx;
        int y = laneY(l.lane(e.node()));
        boolean orphan = !e.isSend() && (l.sendIndex.get(e.msgId()) == null || l.sendIndex.get(e.msgId()) > i);
        svg.append(String.format("<g class=\"event\"><title>%s</title><circle cx=\"%d\" cy=\"%d\" r=\"3.5\" fill=\"%s\"%s/>",
                esc(describe(e)), x, y, e.isSend() ? "black" : "white", orphan ? " stroke=\"red\" stroke-width=\"2\"" : " stroke=\"black\""));
        if (o.lamport() && e.lamport() != null) {
            svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-weight=\"bold\">%d</text>", x, y - 8, e.lamport()));
        }
        if (o.vectors() && e.vector() != null) {
            svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"9\" fill=\"#333\">%s</text>",
                    x, y + (l.column[i] % 2 == 0 ? 16 : 27), esc(vector(e.vector(), l.nodes))));
        }
        svg.append("</g>\n");
    }

    private static int laneY(int lane) {
        return TOP + 30 + lane * LANE;
    }

    private static String vector(Map<String, Long> v, List<String> nodes) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < nodes.size(); i++) sb.append(i == 0 ? "" : ",").append(v.getOrDefault(nodes.get(i), 0L));
        return sb.append(']').toString();
    }

    private static int vectorWidth(List<MessageEvent> journal, List<String> nodes) {
        int w = 0;
        for (MessageEvent e : journal) if (e.vector() != null) w = Math.max(w, vector(e.vector(), nodes).length());
        return w;
    }

    private static String describe(MessageEvent e) {
        return e.event().json() + " " + e.msgId() + (e.type() == null ? "" : " " + e.type()) + " "
                + (e.isSend() ? e.node() + " -> " + e.peer() : e.peer() + " -> " + e.node())
                + (e.lamport() == null ? "" : ", lamport " + e.lamport())
                + (e.vector() == null ? "" : ", vector " + new TreeMap<>(e.vector()))
                + (e.time() == null ? "" : ", time " + e.time());
    }

    private static String typeOf(MessageEvent e) {
        return e.type() == null ? "message" : e.type();
    }

    private static String color(int type) {
        return PALETTE[type % PALETTE.length];
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Lanes, columns and message matching. */
    static final class Layout {
        final List<String> nodes = new ArrayList<>();
        final Map<String, Integer> types = new LinkedHashMap<>();
        final Map<String, Integer> sendIndex = new HashMap<>();
        final Map<String, Integer> received = new HashMap<>();
        final int[] column;
        final int columns;

        Layout(List<MessageEvent> journal) {
            for (MessageEvent e : journal) {
                if (!nodes.contains(e.node())) nodes.add(e.node());
                types.putIfAbsent(typeOf(e), types.size());
            }
            for (MessageEvent e : journal) if (!nodes.contains(e.peer())) nodes.add(e.peer());
            nodes.sort(SpaceTimeDiagram::natural);
            column = new int[journal.size()];
            Map<String, Integer> last = new HashMap<>();
            int max = 0;
            for (int i = 0; i < journal.size(); i++) {
                MessageEvent e = journal.get(i);
                int c = last.getOrDefault(e.node(), 0) + 1;
                if (e.isSend()) {
                    sendIndex.putIfAbsent(e.msgId(), i);
                } else {
                    received.put(e.msgId(), i);
                    Integer s = sendIndex.get(e.msgId());
                    if (s != null) c = Math.max(c, column[s] + 1);
                }
                column[i] = c;
                last.put(e.node(), c);
                max = Math.max(max, c);
            }
            columns = max;
        }

        int lane(String node) {
            return nodes.indexOf(node);
        }
    }

    /** kv-2 before kv-10. */
    static int natural(String a, String b) {
        String pa = a.replaceAll("\\d+$", "");
        String pb = b.replaceAll("\\d+$", "");
        if (pa.equals(pb) && a.length() > pa.length() && b.length() > pb.length()) {
            try {
                return Long.compare(Long.parseLong(a.substring(pa.length())), Long.parseLong(b.substring(pb.length())));
            } catch (NumberFormatException ignored) {
                // fall through to plain order
            }
        }
        return a.compareTo(b);
    }
}
