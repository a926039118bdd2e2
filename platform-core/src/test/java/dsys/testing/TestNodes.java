package dsys.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What an in-JVM test cluster of a service needs, in one place for every module: free loopback ports, and the
 * arguments that make an instance a node of the group (static peers, no Eureka, no Kafka, the test credentials).
 */
public final class TestNodes {

    public static final String ADMIN_TOKEN = "test-token";
    /** Peers authenticate every message batch with it; a node of a group refuses to start without one. */
    public static final String CLUSTER_SECRET = "test-cluster-secret-never-used-live";

    private TestNodes() {
    }

    /** Nodes {@code prefix-1..n} with a free loopback port each, in order. */
    public static Map<String, Integer> ports(String prefix, int n) throws IOException {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) ports.put(prefix + "-" + i, freePort());
        return ports;
    }

    /**
     * A fresh directory for a test cluster's data, removed with its contents when the test JVM exits (by then every
     * node is stopped), so that test runs do not pile up node data in the system's temporary directory.
     */
    public static Path dataDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "delete " + dir));
        return dir;
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException | UncheckedIOException e) {
            // gone already, or a file vanished under the walk: nothing left to do
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Command-line arguments for {@code node} of {@code group} (node → port), then {@code extra} ({@code key=value}, replacing a default of the same key).
     * Arguments rather than builder properties: those are only defaults, which a service's application.yml beats.
     */
    public static String[] arguments(String node, Map<String, Integer> group, Path dataDir, String... extra) {
        List<String> p = new ArrayList<>(List.of(
                "server.port=" + group.get(node),
                "dsys.node=" + node,
                "dsys.members=" + String.join(",", group.keySet()),
                "dsys.admin-token=" + ADMIN_TOKEN,
                "dsys.cluster-secret=" + CLUSTER_SECRET,
                "dsys.data-dir=" + dataDir,
                "dsys.kafka.enabled=false",
                "eureka.client.enabled=false",
                "management.zipkin.tracing.export.enabled=false", // a Zipkin running here must not get tests' spans
                "spring.main.banner-mode=off",
                "springdoc.api-docs.enabled=false",
                "logging.level.root=WARN"));
        group.forEach((peer, port) -> p.add("dsys.peers." + peer + "=http://127.0.0.1:" + port));
        // An extra setting replaces a default of the same name (a repeated argument would read as "false,true").
        for (String e : extra) {
            String name = e.substring(0, e.indexOf('=') + 1);
            p.removeIf(a -> a.startsWith(name));
        }
        p.addAll(List.of(extra));
        return p.stream().map(a -> "--" + a).toArray(String[]::new);
    }
}
