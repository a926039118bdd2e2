package dsys.launcher;

import dsys.verifier.cli.VerifierCli;

import java.io.PrintStream;
import java.util.Arrays;

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
        if (args[0].equals("fuzz")) {
            try {
                return dsys.launcher.fuzz.FuzzCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
            } catch (Exception e) {
                err.println("fuzz: " + e);
                return 1;
            }
        }
        if (args[0].equals("verify")) {
            try {
                return dsys.launcher.verify.VerifyCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
            } catch (Exception e) {
                err.println("verify: " + e);
                return 2;
            }
        }
        if (args[0].equals("demo")) {
            return dsys.launcher.demo.DemoCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args[0].equals("lockbench")) {
            try {
                return dsys.launcher.bench.LockBenchCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
            } catch (Exception e) {
                err.println("lockbench: " + e.getMessage());
                return 1;
            }
        }
        if (args[0].equals("kvbench")) {
            try {
                return dsys.launcher.bench.KvBenchCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
            } catch (Exception e) {
                err.println("kvbench: " + e.getMessage());
                return 1;
            }
        }
        if (args[0].equals("warmup")) {
            try {
                return dsys.launcher.warmup.WarmupCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
            } catch (Exception e) {
                err.println("warmup: " + e.getMessage());
                return 1;
            }
        }
        if (args[0].equals("stalenessbench")) {
            try {
                return dsys.launcher.bench.StalenessBenchCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
            } catch (Exception e) {
                err.println("staleness: " + e.getMessage());
                return 1;
            }
        }
        if (args[0].equals("txnbench")) {
            try {
                return dsys.launcher.bench.TxnBenchCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
            } catch (Exception e) {
                err.println("txnbench: " + e.getMessage());
                return 1;
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
