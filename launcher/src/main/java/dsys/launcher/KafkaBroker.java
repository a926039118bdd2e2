package dsys.launcher;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real single-node Kafka broker in KRaft mode (one process is broker and controller), for running the
 * platform without Docker. It is the production {@link KafkaRaftServer}, not a test kit, so its log lives
 * in {@code --data-dir} and survives restarts: a 2PC decision published while a participant is down is
 * still there when the platform comes back.
 */
final class KafkaBroker {

    static final String EVENTS_TOPIC = "dsys.events";
    private static final String LOOPBACK = "127.0.0.1";

    private KafkaBroker() {
    }

    /** Starts the broker and blocks until it is shut down (SIGTERM). Returns non-zero only on failure. */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("kafka: " + e.getMessage());
            Main.usage(err);
            return 2;
        }
        long started = System.nanoTime();
        Running broker = start(o, err);
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            broker.close();
        }, "kafka-shutdown"));
        out.printf("kafka ready on %s:%d, advertised as %s:%d (controller %d, data %s, %d ms)%n",
                o.bindAddress, o.port, o.advertisedHost, o.port, o.controllerPort, o.dataDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        out.flush();

        broker.server.awaitShutdown();
        if (!stopping.get()) {
            err.println("kafka: the broker stopped on its own; see the log above");
            return 1;
        }
        return 0;
    }

    /** Formats the data dir if it is new, starts the broker and makes sure {@value #EVENTS_TOPIC} exists. */
    static Running start(Options o, PrintStream log) throws Exception {
        Properties props = brokerProperties(o);
        Path config = writeConfig(o.dataDir, props);
        // Only a new data dir is formatted: the cluster id is then kept in meta.properties, and formatting
        // again with another id (even with --ignore-formatted) is refused by Kafka 3.9.
        if (!Files.exists(o.dataDir.resolve("log").resolve("meta.properties"))) {
            int formatted = StorageTool.execute(new String[] {
                    "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()}, log);
            if (formatted != 0) {
                throw new IllegalStateException("formatting " + o.dataDir + " failed (" + formatted + ")");
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Running running = new Running(server);
        try {
            server.startup();
            createTopic(o);
        } catch (Exception | Error e) {
            running.close();
            throw e;
        }
        return running;
    }

    /** A started broker; closing it is a clean shutdown. */
    record Running(KafkaRaftServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    static Properties brokerProperties(Options o) {
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@" + o.localHost() + ":" + o.controllerPort),
                Map.entry("listeners", "PLAINTEXT://" + o.bindAddress + ":" + o.port
                        + ",CONTROLLER://" + o.bindAddress + ":" + o.controllerPort),
                // What clients are told to connect to after bootstrapping: in a container, its name on the network.
                Map.entry("advertised.listeners", "PLAINTEXT://" + o.advertisedHost + ":" + o.port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
                Map.entry("log.dirs", o.dataDir.resolve("log").toString()),
                // One node: every internal topic has one replica, and fewer partitions than the
                // defaults (50) make the first start and the memory footprint much smaller.
                Map.entry("num.partitions", String.valueOf(o.partitions)),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "5"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "5"),
                // Consumers in a demo should not wait 3 s for a rebalance.
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // 2 cores shared with 12 other JVMs: few threads, a small cleaner buffer (default 128 MiB).
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"),
                Map.entry("background.threads", "2"),
                Map.entry("num.recovery.threads.per.data.dir", "1"),
                Map.entry("log.cleaner.threads", "1"),
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8L << 20)),
                // A local platform should not fill the disk: a day of events, at most retentionBytes per partition.
                // Retention deletes whole closed segments only: with the default 1 GiB segments (rolled weekly) a
                // partition of a dev platform had grown to 1.3 GiB. Small segments, rolled hourly, make both
                // limits hold to within one segment.
                Map.entry("log.retention.hours", "24"),
                Map.entry("log.retention.bytes", String.valueOf(o.retentionBytes)),
                Map.entry("log.segment.bytes", String.valueOf(o.segmentBytes())),
                Map.entry("log.roll.hours", "1"),
                Map.entry("log.retention.check.interval.ms", "10000"),
                Map.entry("auto.create.topics.enable", "true")));
        return p;
    }

    private static Path writeConfig(Path dataDir, Properties props) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            props.store(w, "written by the dsys launcher at every start (edits are overwritten)");
        }
        return file;
    }

    private static void createTopic(Options o) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, o.localHost() + ":" + o.port,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            admin.createTopics(List.of(new NewTopic(EVENTS_TOPIC, o.partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    record Options(int port, int controllerPort, Path dataDir, int partitions, long retentionBytes,
                   String bindAddress, String advertisedHost) {

        /** Where this process reaches its own listeners: loopback when they listen on every address. */
        String localHost() {
            return bindAddress.equals("0.0.0.0") ? LOOPBACK : bindAddress;
        }

        /** An eighth of the retention: a partition holds at most retention plus the segment being written. */
        int segmentBytes() {
            return (int) Math.max(64 << 10, Math.min(Integer.MAX_VALUE, retentionBytes / 8));
        }

        static Options parse(String[] args) {
            int port = 9092;
            Integer controllerPort = null;
            Path dataDir = Path.of(".platform", "data", "kafka");
            int partitions = 3;
            long retentionBytes = 256L << 20;
            String bindAddress = LOOPBACK;
            String advertisedHost = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--port" -> port = port(a, v);
                    case "--controller-port" -> controllerPort = port(a, v);
                    case "--data-dir" -> dataDir = Path.of(v);
                    case "--partitions" -> partitions = Math.max(1, number(a, v));
                    case "--retention-mb" -> retentionBytes = (long) Math.max(1, number(a, v)) << 20;
                    case "--bind-address" -> bindAddress = v;
                    case "--advertised-host" -> advertisedHost = v;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            int cport = controllerPort != null ? controllerPort : port + 1;
            if (cport == port) {
                throw new IllegalArgumentException("--controller-port must differ from --port (" + port + ")");
            }
            if (advertisedHost == null) {
                if (bindAddress.equals("0.0.0.0")) {
                    throw new IllegalArgumentException("--bind-address 0.0.0.0 needs --advertised-host: the name clients reach it by");
                }
                advertisedHost = bindAddress;
            }
            return new Options(port, cport, dataDir.toAbsolutePath().normalize(), partitions, retentionBytes,
                    bindAddress, advertisedHost);
        }

        private static int port(String name, String v) {
            int p = number(name, v);
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException(name + " must be a port number 1..65535, not " + v);
            }
            return p;
        }

        private static int number(String name, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " needs a number, not '" + v + "'");
            }
        }
    }
}
