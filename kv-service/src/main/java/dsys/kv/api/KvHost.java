package dsys.kv.api;

import dsys.kv.active.ActiveStore;
import dsys.kv.active.SequencerLog;
import dsys.kv.mode.KvCore;
import dsys.kv.mode.Modes;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumStats;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.QuorumStore;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;
import dsys.platform.web.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The controller's handle on this node's keyspace cores, one core group {@code kv-<keyspace>} each: the built-in
 * {@code default}, and those of the agreed keyspace table ({@link KeyspaceCatalog}). Every node runs a core for
 * every keyspace (a node coordinates requests of keyspaces it holds no replica of). A node learns new keyspaces
 * from its own replica's chosen table at start, by reading the table every {@code catalogRefreshMs} (so replicas
 * start answering for a keyspace created through another node), and at once when asked for a keyspace it does
 * not know; only if the agreed table lacks it too is that a 404.
 */
public final class KvHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KvHost.class);
    /** On top of the core's own deadline, after which it answers 503/504 itself. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    /** Each keyspace is a core with timers on every node: the table is bounded. */
    static final int MAX_KEYSPACES = 64;

    private final CoreHosts hosts;
    private final QuorumSettings settings;
    private final Duration timeout;
    private final Map<String, CoreHost> keyspaces = new ConcurrentHashMap<>();
    private final Map<String, KeyspaceConfig> configs = new ConcurrentHashMap<>();
    private final CoreHost system;
    private final KeyspaceCatalog catalog;
    private final ScheduledExecutorService refresher;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final WatchHub watches;
    private final KvCheckpoints checkpoints;
    private final KafkaSequencers sequencers;

    KvHost(CoreHosts hosts, QuorumSettings settings, long catalogRefreshMs, WatchHub watches, KvCheckpoints checkpoints) {
        this(hosts, settings, catalogRefreshMs, watches, checkpoints, null);
    }

    /** {@code sequencers}: the logs of keyspaces sequenced by Kafka (null: Kafka off, their writes are 503). */
    KvHost(CoreHosts hosts, QuorumSettings settings, long catalogRefreshMs, WatchHub watches, KvCheckpoints checkpoints,
           KafkaSequencers sequencers) {
        this.sequencers = sequencers;
        this.watches = watches;
        this.checkpoints = checkpoints;
        this.hosts = hosts;
        this.settings = settings;
        this.timeout = Duration.ofMillis(settings.deadlineMs()).plus(SLACK);
        List<dsys.core.node.NodeId> members = hosts.identity().members().nodes();
        KeyspaceConfig sys = KeyspaceConfig.majority(KeyspaceCatalog.SYSTEM, members);
        this.system = hosts.start("kv-" + sys.name(), env -> new QuorumStore(env, sys, settings));
        this.catalog = new KeyspaceCatalog(system, timeout);
        for (Modes.Mode m : Modes.all()) {
            if (m.builtIn() != null) start(KeyspaceConfig.majority(m.builtIn(), members).withMode(m.name()));
        }
        startAll(catalog.local());
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dsys-kv-keyspaces-" + hosts.identity().self());
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refreshQuietly, catalogRefreshMs, catalogRefreshMs, TimeUnit.MILLISECONDS);
    }

    /** Asks the keyspace's core; a Rejection arrives as a failed future with a ProblemException of its status. */
    public <T> CompletableFuture<T> call(String keyspace, Object request, Class<T> type) {
        return call(keyspace, request, type, system.currentTrace());
    }

    /** As {@link #call(String, Object, Class)}, in the sampled trace {@code trace} (null: none). */
    public <T> CompletableFuture<T> call(String keyspace, Object request, Class<T> type, String trace) {
        return resolve(keyspace).thenCompose(h -> h.callAsync(request, timeout, trace)).thenApply(type::cast);
    }

    /** The calling thread's sampled trace ({@link CoreHost#currentTrace}), to hand to a later {@link #call}. */
    public String currentTrace() {
        return system.currentTrace();
    }

    /** Whether this node's replica of the keyspace holds the key (a value or a death certificate). */
    public CompletableFuture<Boolean> holds(String keyspace, String key) {
        return resolve(keyspace).thenApply(h -> h.read(core -> KvCheckpoints.store(core).holds(key)));
    }

    /** This node's view of the keyspace's roles ({@link KvCore#roles()}); empty when it runs no such keyspace. */
    java.util.Map<String, Object> roles(String keyspace) {
        CoreHost h = keyspaces.get(keyspace);
        return h == null ? Map.of() : h.read(core -> KvCheckpoints.store(core).roles());
    }

    /** The keyspace's configuration (404 if neither this node nor the agreed table knows it). */
    public CompletableFuture<KeyspaceConfig> config(String keyspace) {
        return resolve(keyspace).thenApply(h -> configs.get(keyspace));
    }

    private CompletableFuture<CoreHost> resolve(String keyspace) {
        CoreHost h = keyspaces.get(keyspace);
        if (h != null) return CompletableFuture.completedFuture(h);
        if (!KeyspaceConfig.validName(keyspace)) return CompletableFuture.failedFuture(unknown(keyspace));
        return refresh().handle((x, t) -> {
            CoreHost found = keyspaces.get(keyspace);
            if (found != null) return found;
            if (skipped.contains(keyspace)) {
                throw new ProblemException(503, "keyspace-mode-not-built", "Keyspace mode not built", "keyspace '"
                        + keyspace + "' was created in a mode this build of kv-service lacks; the modes are "
                        + Modes.all().stream().map(Modes.Mode::name).toList());
            }
            if (t == null) throw unknown(keyspace);
            Throwable e = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
            throw new ProblemException(503, "keyspace-table-unavailable", "Keyspace table unavailable", "keyspace '"
                    + keyspace + "' is not known on " + hosts.identity().self() + " and the agreed keyspace table could "
                    + "not be read (" + e.getMessage() + "); retry");
        });
    }

    /** Adds a keyspace to the agreed table and starts it here; other nodes start it when they next read the table. */
    CompletableFuture<KeyspaceCatalog.Added> create(KeyspaceConfig c) {
        if (builtIn(c.name())) {
            return CompletableFuture.failedFuture(new ProblemException(409, "keyspace-exists", "Keyspace exists",
                    "'" + c.name() + "' is built in: " + configs.get(c.name())));
        }
        if (!keyspaces.containsKey(c.name()) && keyspaces.size() - builtIns() >= MAX_KEYSPACES) {
            return CompletableFuture.failedFuture(new ProblemException(409, "too-many-keyspaces", "Too many keyspaces",
                    "a cluster holds at most " + MAX_KEYSPACES + " created keyspaces"));
        }
        return catalog.add(c).thenApply(a -> {
            start(a.config());
            return a;
        });
    }

    /**
     * Every keyspace, by name: the agreed table read now, or, when no quorum answers, what this node knows
     * ({@code agreed} false).
     */
    CompletableFuture<Listing> list() {
        return refresh().thenApply(x -> new Listing(true, known()))
                .exceptionally(t -> new Listing(false, known()));
    }

    record Listing(boolean agreed, List<KeyspaceConfig> keyspaces) {
    }

    private List<KeyspaceConfig> known() {
        return configs.values().stream().sorted(Comparator.comparing(KeyspaceConfig::name)).toList();
    }

    /** Every keyspace core's counters on this node, the system keyspace's included, by keyspace name. */
    CompletableFuture<Map<String, QuorumStats.View>> stats() {
        Map<String, CoreHost> all = new java.util.TreeMap<>(keyspaces);
        all.put(KeyspaceCatalog.SYSTEM, system);
        Map<String, QuorumStats.View> views = new java.util.concurrent.ConcurrentSkipListMap<>();
        return CompletableFuture.allOf(all.entrySet().stream().map(e -> e.getValue()
                        .callAsync(new KvRequests.Stats(), timeout).thenAccept(v -> views.put(e.getKey(), (QuorumStats.View) v)))
                .toArray(CompletableFuture[]::new)).thenApply(x -> views);
    }

    /** Death certificates this node's replicas hold, over every keyspace (read in each core's serial section). */
    long tombstones() {
        Map<String, CoreHost> all = new java.util.TreeMap<>(keyspaces);
        all.put(KeyspaceCatalog.SYSTEM, system);
        return all.values().stream().mapToLong(h -> h.read(core -> KvCheckpoints.store(core).tombstones())).sum();
    }

    List<dsys.core.node.NodeId> members() {
        return hosts.identity().members().nodes();
    }

    public java.util.Set<String> keyspaces() {
        return new TreeSet<>(keyspaces.keySet());
    }

    private CompletableFuture<Void> refresh() {
        return catalog.read().thenAccept(this::startAll);
    }

    private void refreshQuietly() {
        if (!refreshing.compareAndSet(false, true)) return; // one at a time while a quorum is slow or away
        try {
            refresh().whenComplete((x, t) -> {
                refreshing.set(false);
                if (t != null) log.debug("keyspace table not read: {}", t.getMessage());
            });
        } catch (RuntimeException e) {
            refreshing.set(false);
            log.debug("keyspace table not read: {}", e.getMessage());
        }
    }

    private void startAll(KeyspaceTable table) {
        table.configs().forEach(this::start);
    }

    private static boolean builtIn(String name) {
        return Modes.all().stream().anyMatch(m -> name.equals(m.builtIn()));
    }

    private static int builtIns() {
        return (int) Modes.all().stream().filter(m -> m.builtIn() != null).count();
    }

    /** Keyspaces in the agreed table whose mode this build lacks (logged once each). */
    private final java.util.Set<String> skipped = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private synchronized void start(KeyspaceConfig c) {
        if (keyspaces.containsKey(c.name())) return;
        if (Modes.of(c.mode()) == null) { // stored by a build that had this mode: the node still serves the others
            if (skipped.add(c.name())) log.warn("keyspace {} not started: mode '{}' is not built here", c, c.mode());
            return;
        }
        KvCore.Factory mode = Modes.of(c.mode()).factory();
        configs.put(c.name(), c);
        KafkaSequencerLog seq = sequencedByKafka(c) ? sequencers.open(c.name()) : null;
        CoreHost h = hosts.start("kv-" + c.name(), checkpoints.core(c.name(), env -> mode.create(
                seq == null ? env : SequencerLog.offering(env, c.name(), seq), c, settings, watches.listener(c.name()))));
        if (seq != null) seq.deliverTo(h);
        keyspaces.put(c.name(), h);
        log.info("keyspace {} started on {}", c, hosts.identity().self());
    }

    /** Whether this node reads the keyspace's Kafka log: it holds a replica of an active keyspace sequenced by Kafka. */
    private boolean sequencedByKafka(KeyspaceConfig c) {
        return sequencers != null && c.mode().equals("active") && ActiveStore.KAFKA.equals(c.variant())
                && c.isReplica(hosts.identity().self());
    }

    private ProblemException unknown(String keyspace) {
        return new ProblemException(404, "no-such-keyspace", "No such keyspace", "keyspace '" + keyspace
                + "' does not exist; there are " + keyspaces() + " (GET /api/kv/keyspaces; an admin creates one with "
                + "POST /api/kv/keyspaces)");
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
