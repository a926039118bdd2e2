package dsys.launcher;

import dsys.verifier.cli.VerifierCli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * Entry point of the launcher jar, which {@code ./platform} runs for everything that is not a service:
 * <ul>
 *   <li>{@code kafka [--port 9092] [--controller-port 9093] [--data-dir DIR] [--partitions 3] [--retention-mb 256]
 *       [--bind-address 127.0.0.1] [--advertised-host HOST]} — a single-node KRaft broker that runs until SIGTERM
 *       ({@link KafkaBroker});</li>
 *   <li>{@code lockbench}, {@code kvbench}: dsys beside etcd ({@code dsys.launcher.bench}); {@code fuzz};
 *       {@code warmup}: load until the request path is compiled ({@code dsys.launcher.warmup});</li>
 *   <li>{@code verify WORKLOAD ...} — a Jepsen-style run against the platform ({@link dsys.launcher.verify.VerifyCommand});</li>
 *   <li>{@code demo [NAME]} — narrated scenarios through the gateway ({@link dsys.launcher.demo.DemoCommand});</li>
 *   <li>{@code check}, {@code classify}, {@code diagram}, {@code bench}, {@code help} and anything else — handed
 *       to {@link VerifierCli} unchanged, exit code included.</li>
 * </ul>
 */
public final class Main {

    private Main() {
    }

    /**
     * One of the launcher's own commands: what runs it, the label of its errors, its exit code when it throws, and
     * whether the error shows the exception's class (fuzz and verify: theirs come from deep inside, HTTP or JSON).
     */
    private record Command(Body body, String label, int failure, boolean withClass) {
    }

    @FunctionalInterface
    private interface Body {
        int run(String[] args, PrintStream out, PrintStream err) throws Exception;
    }

    private static final Map<String, Command> COMMANDS = Map.of(
            "fuzz", new Command(dsys.launcher.fuzz.FuzzCommand::run, "fuzz", 1, true),
            "verify", new Command(dsys.launcher.verify.VerifyCommand::run, "verify", 2, true),
            "demo", new Command(dsys.launcher.demo.DemoCommand::run, "demo", 2, false),
            "lockbench", new Command(dsys.launcher.bench.LockBenchCommand::run, "lockbench", 1, false),
            "kvbench", new Command(dsys.launcher.bench.KvBenchCommand::run, "kvbench", 1, false),
            "warmup", new Command(dsys.launcher.warmup.WarmupCommand::run, "warmup", 1, false),
            "stalenessbench", new Command(dsys.launcher.bench.StalenessBenchCommand::run, "staleness", 1, false),
            "txnbench", new Command(dsys.launcher.bench.TxnBenchCommand::run, "txnbench", 1, false));

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("kafka")) {
            // No System.exit on the happy path: the broker stops in a shutdown hook, and calling exit
            // while hooks run would block forever. KafkaBroker.run only returns on failure.
            int code = KafkaBroker.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
            if (code != 0) {
                System.exit(code);
            }
            return;
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Every command but {@code kafka}; separate from {@link #main} so tests can call it without exiting. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            VerifierCli.run(new String[] {"help"}, err, err);
            return 2;
        }
        if (args[0].equals("help") || args[0].equals("-h") || args[0].equals("--help")) {
            usage(out);
            return VerifierCli.run(new String[] {"help"}, out, err);
        }
        Command c = COMMANDS.get(args[0]);
        if (c != null) {
            try {
                return c.body().run(Arrays.copyOfRange(args, 1, args.length), out, err);
            } catch (Exception e) {
                err.println(c.label() + ": " + (c.withClass() ? e : e.getMessage()));
                return c.failure();
            }
        }
        // The verifier owns its commands (check, classify, diagram, bench) and reports unknown ones.
        return VerifierCli.run(args, out, err);
    }

    static void usage(PrintStream out) {
        out.println("""
                usage: java -jar launcher.jar kafka [--port 9092] [--controller-port PORT+1] [--data-dir DIR] [--partitions 3] [--retention-mb 256]
                                  [--bind-address 127.0.0.1] [--advertised-host BIND-ADDRESS]
                         a single-node KRaft broker (broker+controller) on 127.0.0.1 that creates topic dsys.events,
                         prints "kafka ready on 127.0.0.1:PORT" and runs until SIGTERM; DIR keeps its log across restarts;
                         in a container: --bind-address 0.0.0.0 --advertised-host NAME (the name other containers reach it by)
                       java -jar launcher.jar lockbench --token=ADMIN [--gateway=URL] [--etcd=URL,URL,URL] [--clients=1,8,64]
                                  [--modes=distinct,one] [--algorithms=...] [--seconds=10] [--rounds=2] [--warmup=40]
                         the same closed-loop lock client against dsys and etcd, interleaved (./platform bench lock)
                       java -jar launcher.jar kvbench [--gateway=URL] [--etcd=URL,URL,URL] [--kv=URL,URL,URL] [--clients=1,16,64]
                                  [--ops=put,get] [--seconds=10] [--rounds=2] [--warmup=30] [--keys=1000] [--value-bytes=100] [--systems=dsys,etcd] [--keep=false]
                         puts and linearizable gets, the same closed-loop client against dsys's quorum store and etcd,
                         interleaved, with messages and fsyncs per op from the systems' counters (./platform bench kv); afterwards the
                         run's keys are deleted from dsys unless --keep=true
                       java -jar launcher.jar warmup [--gateway=URL] [--seconds=150] [--min-seconds=20] [--settled-share=0.12]
                                  [--locks=true] [--kv=true] [--jvms=NAME=PID,...]
                         lock and kv load through the gateway until the watched JVMs' JIT compilers take less than
                         --settled-share of their CPU for two 5 s windows in a row (./platform up runs it)
                       java -jar launcher.jar fuzz [--gateway=URL] [--token=ADMIN]
                         every public route (from the OpenAPI documents) with hostile inputs; exit 1 on any 5xx or dead node
                       java -jar launcher.jar verify WORKLOAD --token=ADMIN --root=DIR [--time=60] [--concurrency=10] [--nemesis=...]
                         a Jepsen-style run through the gateway, judged by the verifier (./platform verify; exit 0/1/2)
                       java -jar launcher.jar demo [NAME|all] --token=ADMIN [--gateway=URL] [--console=URL] [demo options]
                         narrated scenarios through the gateway (./platform demo); alone it lists them; exit 0 as narrated,
                         1 not as narrated, 2 usage, not built yet, or no platform
                       java -jar launcher.jar VERIFIER-COMMAND ...   (below)""");
    }
}
