package dsys.lock.bench;

import dsys.lock.live.LiveCluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Starts a 3-node cluster in this JVM and runs {@link LockBench} against its nodes directly. Not a test. */
public final class InJvmBench {

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(arg(args, "seconds", "5"));
        List<Integer> clients = Arrays.stream(arg(args, "clients", "1,16,64").split(",")).map(Integer::parseInt).toList();
        try (LiveCluster cluster = new LiveCluster(3, Map.of())) {
            List<String> urls = new ArrayList<>(cluster.urls.values());
            LockBench bench = new LockBench(urls);
            Thread.sleep(5_000);  // elections and the first epoch
            LockBench.report(bench, List.of(arg(args, "algorithms", "centralized,ricart-agrawala,token-ring").split(",")),
                    List.of(arg(args, "modes", "distinct,contended").split(",")), clients,
                    Duration.ofSeconds(seconds), LiveCluster.TOKEN);
        }
        System.exit(0);
    }

    private static String arg(String[] args, String name, String def) {
        for (String a : args) if (a.startsWith("--" + name + "=")) return a.substring(name.length() + 3);
        return def;
    }
}
