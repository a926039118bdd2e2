package dsys.launcher.verify;

import dsys.verifier.history.History;
import dsys.verifier.history.HistoryReader;
import dsys.verifier.history.HistoryRecorder;
import dsys.verifier.history.HistoryWriter;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code verify WORKLOAD}: a Jepsen-style run against the platform through the gateway. {@code --concurrency}
 * client threads run the workload for {@code --time} seconds while the {@link Nemesis} injects faults; every call is
 * recorded as the client saw it (invoke before the request, ok/fail/info after the answer, one clock for all) into
 * {@code history.jsonl}. Then everything is healed, the workload reads back what survived, and the verifier judges
 * the file as written. {@code report.html} shows the verdict, the counterexample, latency with the fault windows
 * and throughput. Exit 0 valid, 1 invalid, 2 unknown or error: unknown is not a pass.
 */
public final class VerifyCommand {

    private VerifyCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        RunOptions o;
        try {
            o = RunOptions.parse(args);
            if (!RunOptions.BUILT.contains(o.workload())) throw new IllegalArgumentException("unknown workload '" + o.workload() + "'");
        } catch (IllegalArgumentException e) {
            err.println("verify: " + e.getMessage());
            usage(err);
            return 2;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = o.out().resolve(stamp + "-" + o.workload());
        Files.createDirectories(dir);
        Gateway gw = new Gateway(o.gateway(), o.token());
        Gateway.Reply probe = gw.admin("GET", "/api/chaos", null);
        if (!probe.ok()) {
            err.println("verify: the gateway at " + o.gateway() + " answered " + probe.describe()
                    + " to GET /api/chaos: is the platform up (./platform up) and the token right?");
            return 2;
        }
        String runId = "v" + stamp.replace("-", "");
        Workload w = switch (o.workload()) {
            case "lock" -> new LockWorkload(gw, runId, o.keys(), o.leaseMs(), o.waitMs());
            case "bank" -> new BankWorkload(gw, o.protocol(), runId, o.keys());
            case "set" -> new SetWorkload(gw, o.keyspace(), runId, o.keys(), o.concurrency(), o.convergeWithin(), out);
            default -> new KvWorkload(gw, o.workload().equals("cas"), o.read(), runId, o.keys(), o.budget(), o.keyspace());
        };
        Path historyFile = dir.resolve("history.jsonl");
        out.printf("verify %s: %d clients for %d s on %d %s(s), nemesis %s, %s, seed %d%n  writing %s%n", o.workload(),
                o.concurrency(), o.timeS(), o.keys(), o.unit(), o.faults().isEmpty() ? "none" : o.faults().stream().map(Nemesis.Fault::label).toList(),
                switch (o.workload()) {
                    case "bank" -> "protocol=" + o.protocol();
                    case "set" -> "keyspace=" + o.keyspace() + ", guarantees asked by even clients";
                    default -> "read=" + o.read();
                }, o.seed(), dir);

        long t0 = System.nanoTime();
        String healError = null;
        try (HistoryWriter sink = HistoryWriter.open(historyFile)) {
            HistoryRecorder rec = new HistoryRecorder(System::nanoTime, sink);
            w.setup(rec);
            long end = System.nanoTime() + o.timeS() * 1_000_000_000L; // the run's time starts once the setup is done
            Nemesis nemesis = new Nemesis(o.faults(), w.nodes(), gw, new ProcessControl(o.root(), dir.resolve("nemesis.log")),
                    rec, o.quietMs(), o.faultMs(), end, o.seed(), out);
            AtomicReference<Throwable> clientError = new AtomicReference<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < o.concurrency(); i++) {
                int slot = i;
                Thread t = new Thread(() -> {
                    int process = slot;
                    String node = w.nodes().get(slot % w.nodes().size());
                    try {
                        while (System.nanoTime() < end && clientError.get() == null) {
                            // A process whose call ended unknown never invokes again: the next one takes its slot.
                            if (!w.step(rec, Integer.toString(process), node)) process += o.concurrency();
                        }
                    } catch (RuntimeException e) {
                        clientError.compareAndSet(null, e);
                    }
                }, "client-" + i);
                clients.add(t);
            }
            Thread nem = new Thread(nemesis, "nemesis");
            clients.forEach(Thread::start);
            nem.start();
            while (System.nanoTime() < end && clientError.get() == null) {
                Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                out.printf("  %3d s: %d history lines%n", (System.nanoTime() - t0) / 1_000_000_000, rec.history().size());
            }
            for (Thread t : clients) t.join();
            nem.join();
            try {
                nemesis.healAll();
            } catch (RuntimeException e) {
                healError = e.getMessage();
            }
            if (clientError.get() != null) throw new IllegalStateException("a client failed", clientError.get());
            out.println("  healed; reading back what survived");
            w.finalReads(rec, "final");
        }
        History h = HistoryReader.read(historyFile); // judge the file as written: ./platform check reproduces it
        out.printf("  checking %d history lines ...%n", h.size());
        Judgement j = w.check(h);
        Path report = dir.resolve("report.html");
        Report.write(report, o, h, j, t0);
        Summary s = Summary.of(h);
        out.printf("%s: %s%n  ops %s%n  checker %s, %d ms%n", o.workload(), j.summary(), s, j.checker(), j.elapsedNanos() / 1_000_000);
        j.notes().forEach(n -> out.println("  " + n));
        j.findings().stream().limit(3).forEach(f -> out.println("  " + f.text().replace("\n", "\n  ")));
        out.println("  history " + historyFile);
        out.println("  report  " + report);
        if (healError != null) {
            err.println("verify: " + healError + " — the platform may still be faulted (./platform status)");
            return 2;
        }
        return j.exitCode();
    }

    static void usage(PrintStream out) {
        out.println("""
                usage: verify WORKLOAD [--time 60] [--concurrency 10] [--nemesis partition,kill,pause,skew] [--read linearizable]
                              [--keys 3] [--fault-s 8] [--quiet-s 5] [--lease-ms 5000] [--wait-ms 1000] [--budget-s 300]
                              [--protocol 2pc] [--keyspace default] [--converge-s 30] [--seed N]
                  WORKLOAD: register  reads and writes of unique values on --keys kv keys (model: register)
                            cas       reads, writes and compare-and-set on versions (model: cas-register)
                            lock      acquire with a lease, fenced write, release on --keys locks (LockChecker)
                            bank      transfers and snapshot reads over --keys accounts (default 5) of 100 each, as
                                      POST /api/txn under --protocol 2pc|3pc (BankChecker: totals, no negative, final balances)
                            set       writes, deletes and reads at random kv nodes on --keys keys (default 5) of
                                      --keyspace (default eventual); even-numbered clients ask for the four session
                                      guarantees. After the heal each replica's copy is read until they agree
                                      (--converge-s 30 at most), then ConvergenceChecker (replicas agree; no
                                      acknowledged write lost and no deleted key back, in real-time order; nothing
                                      from thin air), LastWriterWins (the highest acknowledged version kept) and
                                      SessionChecker (violations where asked fail; those without the header are counted)
                  --nemesis: any of partition, kill, pause, skew, loss, kill-all (one at a time, in turn), or none; on kv-1..3
                             (lock-1..3 for lock), for bank also txn-1: the one coordinator, while down every transaction fails
                  --read one|quorum: the kv read level (a control: read=one under partitions must be found not linearizable)
                  --keyspace NAME: register and cas on that keyspace (GET /api/kv/keyspaces), checked for linearizability;
                             set on that keyspace (default eventual)
                  writes .platform/verify/<time>-<workload>/history.jsonl and report.html; exit 0 valid, 1 invalid, 2 unknown/error""");
    }
}
