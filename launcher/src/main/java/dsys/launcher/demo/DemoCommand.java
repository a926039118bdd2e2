package dsys.launcher.demo;

import dsys.launcher.Options;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code demo [NAME|all] [--options]}: narrated scenarios against the running platform, only through the gateway.
 * Without a name it lists them. Each demo prints what it does and why in the notes' terms, the figures it got, and
 * where to watch in the console; it heals every fault it made (also on Ctrl-C, from a shutdown hook), and it checks
 * what it narrates. Exit 0: everything behaved as narrated; 1: a check failed (or the demo broke off); 2: usage, a
 * demo that is not built yet, or a platform that does not answer.
 */
public final class DemoCommand {

    private DemoCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        // The name may come anywhere among the --options (./platform appends --token).
        List<String> names = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        if (names.isEmpty() || names.equals(List.of("list"))) {
            list(out);
            return 0;
        }
        if (names.size() > 1) {
            err.println("demo: one demo at a time (or all), not " + names);
            return 2;
        }
        String name = names.get(0);
        Map<String, String> o;
        try {
            o = new LinkedHashMap<>(Options.parse(Arrays.stream(args).filter(a -> a.startsWith("--")).toArray(String[]::new)));
        } catch (IllegalArgumentException e) {
            err.println("demo: " + e.getMessage());
            return 2;
        }
        String gateway = Optional.ofNullable(o.remove("gateway")).orElse("http://127.0.0.1:8080");
        String token = o.remove("token");
        String console = Optional.ofNullable(o.remove("console")).orElse(gateway);

        List<Catalog.Entry> chosen;
        if (name.equals("all")) {
            chosen = Catalog.ALL.stream().filter(Catalog.Entry::built).toList();
        } else {
            Optional<Catalog.Entry> e = Catalog.find(name);
            if (e.isEmpty()) {
                err.println("demo: no demo named '" + name + "'");
                list(err);
                return 2;
            }
            if (!e.get().built()) {
                err.println("demo " + name + " (" + e.get().family() + ", notes " + e.get().notes() + "): not built yet — it waits for "
                        + e.get().waitsFor() + ". Built: " + String.join(", ", builtNames()));
                return 2;
            }
            chosen = List.of(e.get());
        }
        Set<String> allowed = new TreeSet<>();
        chosen.forEach(e -> allowed.addAll(optionNames(e)));
        for (String k : o.keySet()) {
            if (!allowed.contains(k)) {
                err.println("demo " + name + ": unknown option --" + k + (allowed.isEmpty() ? "" : " (it takes --" + String.join(", --", allowed) + ")"));
                return 2;
            }
        }
        if (token == null || token.isBlank()) {
            err.println("demo: the admin --token is needed (faults and clock skews are admin routes; ./platform demo passes it)");
            return 2;
        }
        Api api = new Api(gateway, token);
        Api.Answer probe = api.admin("GET", "/api/chaos", null);
        if (!probe.ok()) {
            err.println("demo: the gateway at " + gateway + " answered " + probe.brief() + " to GET /api/chaos: is the platform up "
                    + "(./platform up) and the token right?");
            return 2;
        }

        Faults faults = new Faults();
        Narrator say = new Narrator(out, console);
        // Ctrl-C or SIGTERM: the JVM runs this while the demo's thread is still in its last call; healAll waits for a
        // fault being made, heals everything, and refuses new faults.
        Thread hook = new Thread(() -> {
            if (faults.anyOpen()) {
                out.println("\ninterrupted: healing the faults this demo made");
                faults.healAll(out, true).forEach(f -> out.println("   healed: " + f));
            }
        }, "demo-heal");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (Catalog.Entry e : chosen) {
                say.title(e);
                Map<String, String> own = new LinkedHashMap<>(o);
                own.keySet().retainAll(optionNames(e));
                try {
                    e.demo().get().run(new Demo.Stage(api, say, faults, own));
                } catch (Faults.Closed c) {
                    break;
                } catch (Demo.BadOption x) {
                    err.println("demo " + e.name() + ": " + x.getMessage());
                    return 2;
                } catch (Exception | AssertionError x) {
                    say.check(false, "the demo ran to its end, but broke off: " + x);
                } finally {
                    List<String> healed = faults.healAll(out, false);
                    if (!healed.isEmpty()) say.line("   healed: " + String.join("; ", healed));
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it heals
            }
        }
        out.println();
        if (say.failed().isEmpty()) {
            out.println("demo " + name + ": " + say.checks() + " checks, every one as narrated");
            return 0;
        }
        out.println("demo " + name + ": ✗ " + say.failed().size() + " of " + say.checks() + " checks not as narrated:");
        say.failed().forEach(f -> out.println("  ✗ " + f));
        return 1;
    }

    static void list(PrintStream out) {
        out.println("demos (./platform demo NAME; ./platform demo all runs every built one):");
        for (Catalog.Entry e : Catalog.ALL) {
            out.printf("  %-18s %s — notes %s%n", e.name(), e.family(), e.notes());
            String more = e.built() ? (e.options().isEmpty() ? "" : "options: " + e.options()) : "not built yet: waits for " + e.waitsFor();
            if (!more.isEmpty()) out.printf("  %-18s %s%n", "", more);
        }
        out.println("each drives the running platform through the gateway (http://127.0.0.1:8080), narrates what happens and "
                + "why, points at the console view, heals what it broke, and exits 1 if the platform did not behave as narrated");
    }

    private static List<String> builtNames() {
        return Catalog.ALL.stream().filter(Catalog.Entry::built).map(Catalog.Entry::name).toList();
    }

    /** "--algorithms=a,b --x=y" → [algorithms, x] */
    private static Set<String> optionNames(Catalog.Entry e) {
        Set<String> names = new TreeSet<>();
        for (String part : e.options().split(" ")) {
            if (part.startsWith("--")) names.add(part.substring(2, part.contains("=") ? part.indexOf('=') : part.length()));
        }
        return names;
    }
}
