package dsys.launcher.verify;

import dsys.launcher.Options;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code verify WORKLOAD [--name value | --name=value ...]}, checked before anything runs. */
record RunOptions(String workload, int timeS, int concurrency, List<Nemesis.Fault> faults, String read, int keys,
                  long faultMs, long quietMs, long leaseMs, long waitMs, Duration budget, String protocol, String gateway,
                  String token, Path root, Path out, long seed, String keyspace, Duration convergeWithin) {

    static final Set<String> BUILT = Set.of("register", "cas", "lock", "bank", "set");
    private static final Set<String> NAMES = Set.of("time", "concurrency", "nemesis", "read", "keys", "fault-s", "quiet-s",
            "lease-ms", "wait-ms", "budget-s", "protocol", "gateway", "token", "root", "out", "seed", "keyspace", "converge-s");

    static RunOptions parse(String[] args) {
        if (args.length == 0 || args[0].startsWith("-")) throw new IllegalArgumentException("which workload? (register, cas, lock, bank, set)");
        String w = args[0];
        Map<String, String> o = Options.parse(joined(Arrays.copyOfRange(args, 1, args.length)));
        for (String k : o.keySet()) if (!NAMES.contains(k)) throw new IllegalArgumentException("unknown option --" + k);
        String nemesis = o.getOrDefault("nemesis", "partition,kill,pause,skew");
        List<Nemesis.Fault> faults = new ArrayList<>();
        if (!nemesis.equals("none")) for (String f : nemesis.split(",")) faults.add(Nemesis.Fault.parse(f));
        String read = o.getOrDefault("read", "linearizable");
        if (!Set.of("linearizable", "quorum", "one").contains(read)) throw new IllegalArgumentException("--read is linearizable, quorum or one");
        if (!read.equals("linearizable") && !Set.of("register", "cas").contains(w)) throw new IllegalArgumentException("--read applies to register and cas");
        String protocol = o.getOrDefault("protocol", "2pc");
        if (!Set.of("2pc", "3pc").contains(protocol)) throw new IllegalArgumentException("--protocol is 2pc or 3pc");
        if (o.containsKey("protocol") && !w.equals("bank")) throw new IllegalArgumentException("--protocol applies to bank");
        String keyspace = o.getOrDefault("keyspace", w.equals("set") ? "eventual" : "default");
        if (o.containsKey("keyspace") && !Set.of("register", "cas", "set").contains(w)) throw new IllegalArgumentException("--keyspace applies to register, cas and set");
        if (!keyspace.matches("[a-z0-9][a-z0-9-]{0,62}")) throw new IllegalArgumentException("--keyspace is a keyspace name (a-z, 0-9, '-')");
        Path root = Path.of(o.getOrDefault("root", "."));
        RunOptions r = new RunOptions(w, num(o, "time", 60), num(o, "concurrency", 10), faults, read,
                num(o, "keys", switch (w) {
                    case "lock" -> 1;
                    case "bank" -> 5; // few: transfers and snapshots must contend for the same keys, that is what is tested
                    case "set" -> 5;
                    default -> 3;
                }), num(o, "fault-s", 8) * 1000L, num(o, "quiet-s", 5) * 1000L,
                num(o, "lease-ms", 5000), num(o, "wait-ms", 1000), Duration.ofSeconds(num(o, "budget-s", 300)), protocol,
                o.getOrDefault("gateway", "http://127.0.0.1:8080"), o.get("token"), root,
                Path.of(o.getOrDefault("out", root.resolve(".platform/verify").toString())),
                Long.parseLong(o.getOrDefault("seed", Long.toString(System.nanoTime()))), keyspace,
                Duration.ofSeconds(num(o, "converge-s", 30)));
        if (o.containsKey("converge-s") && !w.equals("set")) throw new IllegalArgumentException("--converge-s applies to set");
        if (r.timeS < 1 || r.concurrency < 1 || r.keys < 1 || r.faultMs < 1000 || r.leaseMs < 1 || r.convergeWithin.isNegative()) {
            throw new IllegalArgumentException("--time, --concurrency, --keys, --lease-ms must be positive, --fault-s at least 1, --converge-s not negative");
        }
        if (w.equals("bank") && r.keys < 2) throw new IllegalArgumentException("bank needs --keys 2 at least: a transfer is between two accounts");
        if (!faults.isEmpty() && r.token == null) throw new IllegalArgumentException("faults need the admin --token");
        return r;
    }

    /** What {@code --keys} counts, for the console and the report. */
    String unit() {
        return switch (workload) {
            case "lock" -> "lock";
            case "bank" -> "account";
            default -> "key";
        };
    }

    /** Accepts {@code --name value} as well as {@code --name=value}. */
    private static String[] joined(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && !a.contains("=") && i + 1 < args.length && !args[i + 1].startsWith("--")) {
                out.add(a + "=" + args[++i]);
            } else {
                out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }

    private static int num(Map<String, String> o, String name, int dflt) {
        String v = o.get(name);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, was " + v);
        }
    }
}
