package dsys.verifier.cli;

import dsys.verifier.CheckResult;
import dsys.verifier.Verdict;
import dsys.verifier.consistency.Classification;
import dsys.verifier.consistency.ConsistencyClassifier;
import dsys.verifier.consistency.ConsistencyModel;
import dsys.verifier.diagram.SpaceTimeDiagram;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryFormatException;
import dsys.verifier.history.HistoryReader;
import dsys.verifier.journal.JournalReader;
import dsys.verifier.journal.MessageEvent;
import dsys.verifier.linear.LinearizabilityChecker;
import dsys.verifier.linear.LinearizabilityResult;
import dsys.verifier.linear.Model;
import dsys.verifier.linear.ModelException;
import dsys.verifier.linear.Models;
import dsys.verifier.lock.LockChecker;
import dsys.verifier.logical.LogicalClockChecker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Command line: {@code check MODEL FILE [--budget-ms N]}, {@code classify FILE},
 * {@code diagram FILE -o OUT.svg}, {@code bench ...}, {@code help}. Exit codes follow
 * Maelstrom: 0 valid, 1 invalid, 2 unknown; errors (bad input, bad usage) also exit 2 and
 * print only to stderr, never a verdict.
 */
public final class VerifierCli {
    static final String USAGE = """
            usage: verifier <command>
              check MODEL FILE [--budget-ms N]   check a history (JSON lines); exit 0 valid, 1 invalid, 2 unknown
                  MODEL: register | cas-register | mutex | fenced-mutex   linearizability, per key
                         lock                                             lock safety (overlaps, tokens, fenced resource)
                         strict | linearizable | sequential | causal | pram | fifo |
                         monotonic-reads | monotonic-writes | read-your-writes | writes-follow-reads
                                                                          consistency model of a small register history
                         logical                                          Lamport/vector clocks of a message journal
              classify FILE                      every consistency model a small register history satisfies
              diagram FILE -o OUT.svg [--title T] [--no-vectors] [--no-types]
                                                 space-time diagram of a message journal
              bench [--ops 10000] [--keys 10] [--processes 10] [--seed 1] [--crash-rate 0] [--repeat 1]
                    [--model register|cas-register] [--stale-read] [--budget-ms N]
                                                 time the linearizability check on a generated history
              help
            """;

    private VerifierCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0) throw new UsageException("no command", true);
            return switch (args[0]) {
                case "check" -> check(new Args(args, 1, Set.of("--budget-ms"), Set.of()), out);
                case "classify" -> classify(new Args(args, 1, Set.of(), Set.of()), out);
                case "diagram" -> diagram(new Args(args, 1, Set.of("-o", "--title"), Set.of("--no-vectors", "--no-types")), out);
                case "bench" -> Bench.run(new Args(args, 1, Set.of("--ops", "--keys", "--processes", "--seed", "--crash-rate",
                        "--repeat", "--model", "--budget-ms"), Set.of("--stale-read")), out);
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> throw new UsageException("unknown command " + args[0], true);
            };
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            if (e.showUsage) err.print(USAGE);
            return Verdict.UNKNOWN.exitCode();
        }
    }

    private static int check(Args a, PrintStream out) {
        if (a.positional.size() != 2) throw new UsageException("usage: check MODEL FILE [--budget-ms N]");
        String model = a.positional.get(0);
        Path file = Path.of(a.positional.get(1));
        Model linear = Models.byName(model);
        ConsistencyModel consistency = ConsistencyModel.byId(model);
        if (linear == null && consistency == null && !model.equals("lock") && !model.equals("logical")) {
            throw new UsageException("unknown model " + model, true);
        }
        if (model.equals("logical")) return report(LogicalClockChecker.check(journal(file)), out);
        History h = history(file);
        if (model.equals("lock")) return report(guard(file, () -> new LockChecker().check(h)), out);
        if (linear != null) {
            LinearizabilityChecker checker = new LinearizabilityChecker(linear,
                    Duration.ofMillis(a.number("--budget-ms", LinearizabilityChecker.DEFAULT_TIME.toMillis())),
                    LinearizabilityChecker.DEFAULT_MEMORY);
            LinearizabilityResult r;
            try {
                r = checker.check(h);
            } catch (ModelException e) {
                throw new UsageException(file + " line " + h.lineOf(e.position()) + ": " + e.detail());
            }
            out.println(r);
            return r.verdict().exitCode();
        }
        Classification c = guard(file, () -> ConsistencyClassifier.classify(h));
        boolean ok = c.satisfies(consistency);
        out.println((ok ? "valid" : "invalid") + " (" + consistency.id() + ": " + consistency.definition() + ")");
        if (!ok) out.println("  " + c.reasons().get(consistency));
        return ok ? 0 : 1;
    }

    private static int classify(Args a, PrintStream out) {
        if (a.positional.size() != 1) throw new UsageException("usage: classify FILE");
        Path file = Path.of(a.positional.get(0));
        History h = history(file);
        Classification c = guard(file, () -> ConsistencyClassifier.classify(h));
        out.println("strongest data-centric model: " + (c.strongest() == null ? "none" : c.strongest().id()));
        out.println(c);
        return 0;
    }

    private static int diagram(Args a, PrintStream out) {
        if (a.positional.size() != 1 || a.get("-o") == null) throw new UsageException("usage: diagram FILE -o OUT.svg");
        Path file = Path.of(a.positional.get(0));
        List<MessageEvent> journal = journal(file);
        SpaceTimeDiagram.Options o = new SpaceTimeDiagram.Options(a.get("--title") == null ? file.getFileName().toString()
                : a.get("--title"), true, !a.has("--no-vectors"), !a.has("--no-types"));
        Path target = Path.of(a.get("-o"));
        try {
            Files.writeString(target, SpaceTimeDiagram.render(journal, o));
        } catch (IOException e) {
            throw new UsageException("cannot write " + target + ": " + e.getMessage());
        }
        long messages = journal.stream().filter(MessageEvent::isSend).count();
        out.println("wrote " + target + " (" + journal.size() + " events, " + messages + " messages)");
        return 0;
    }

    private static int report(CheckResult r, PrintStream out) {
        out.println(r);
        return r.verdict().exitCode();
    }

    private static History history(Path file) {
        try {
            return HistoryReader.read(file);
        } catch (HistoryFormatException e) {
            throw new UsageException(file + " " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static List<MessageEvent> journal(Path file) {
        try {
            return JournalReader.read(file);
        } catch (HistoryFormatException e) {
            throw new UsageException(file + " " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Checkers reject histories they cannot judge with IllegalArgumentException: that is bad input, not a verdict. */
    private static <T> T guard(Path file, Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": " + e.getMessage());
        }
    }
}
