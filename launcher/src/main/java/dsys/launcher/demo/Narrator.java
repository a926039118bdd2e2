package dsys.launcher.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a demo prints: its steps, what each call answered (the figures), why in the notes' terms (citing the section
 * of distributed-systems-notes.zh.md), where to look in the console, and its checks. A check that fails is printed
 * with ✗ and makes the run exit 1: the platform did not behave as narrated.
 */
final class Narrator {

    private static final int WIDTH = 112;

    private final PrintStream out;
    private final String console;
    private final List<String> failed = new ArrayList<>();
    private int checks;
    private int step;

    Narrator(PrintStream out, String console) {
        this.out = out;
        this.console = console.endsWith("/") ? console : console + "/";
    }

    void title(Catalog.Entry demo) {
        step = 0;
        out.println();
        out.println("━━ demo " + demo.name() + ": " + demo.family() + " — notes " + demo.notes() + " ━━");
        wrap("", demo.summary());
    }

    void step(String title) {
        out.println();
        out.println(++step + ". " + title);
    }

    /** Plain narration: what is about to happen or what it means. */
    void say(String text) {
        wrap("   ", text);
    }

    /** Why, in the notes' words; {@code section} as in the notes ("同步 §4.2"). */
    void why(String section, String text) {
        wrap("   why (" + section + "): ", text);
    }

    /** A call and its answer: {@code figures} are what the answer says that matters here. */
    void call(String request, Api.Answer a, String figures) {
        wrap("   → " + request + ": " + a.brief() + (figures == null || figures.isEmpty() ? "" : " · "), figures == null ? "" : figures);
    }

    /** Where to watch it: a view of the web console. */
    void console(String view) {
        wrap("   console: " + console + " → ", view);
    }

    void note(String text) {
        wrap("   note: ", text);
    }

    /** Records and prints a check; returns {@code ok} so a demo can skip what depends on it. */
    boolean check(boolean ok, String claim) {
        checks++;
        if (!ok) failed.add(claim);
        wrap(ok ? "   ✓ " : "   ✗ ", claim);
        return ok;
    }

    int checks() {
        return checks;
    }

    List<String> failed() {
        return failed;
    }

    void line(String text) {
        out.println(text);
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }

    static String signedMs(double v) {
        return String.format(Locale.ROOT, "%+.1f ms", v);
    }

    /** Prints {@code text} after {@code lead}, wrapped to the width, continuation lines indented like the text. */
    private void wrap(String lead, String text) {
        // Continuation lines start two columns right of where the lead's text starts: easy to scan, never far right.
        int lead0 = lead.length() - lead.stripLeading().length();
        int indent = lead.isBlank() ? lead.length() : lead0 + 2;
        String pad = " ".repeat(indent);
        StringBuilder line = new StringBuilder(lead);
        int budget = WIDTH;
        for (String word : text.split(" ")) {
            if (line.length() > indent && line.length() + 1 + word.length() > budget && !line.toString().isBlank()) {
                out.println(line.toString().stripTrailing());
                line = new StringBuilder(pad);
            }
            if (line.length() > 0 && !line.toString().endsWith(" ")) line.append(' ');
            line.append(word);
        }
        out.println(line.toString().stripTrailing());
    }
}
