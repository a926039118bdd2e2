package dsys.core.rpc;

import dsys.core.node.NodeId;
import dsys.core.sim.MemoryDurable;
import dsys.core.sim.SimNode;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * RPC clients and servers in the simulator, and the tests' oracle: after every step it reads the accounts the calls
 * pay into off the servers' disks and records each change as an effect (when, how much), and when each node went
 * down and came back. Nothing here reads the cores' events or state, so a mechanism that only claims to work fails.
 */
final class RpcCluster {

    static final NodeId CLIENT = NodeId.of("client-1");
    static final NodeId SERVER = NodeId.of("server-1");
    static final NodeId SERVER2 = NodeId.of("server-2");
    private static final String ACCOUNT = "rpc.s.account."; // the server's disk layout, as an outsider reads it
    private static final int MAX_ACCOUNTS = 16;

    /** Timing for the tests: network delays are 1..10 ms unless a test says otherwise. */
    static RpcConfig config(CallSemantics semantics, OrphanRemedy remedy) {
        return new RpcConfig(semantics, remedy, Duration.ofMillis(60), 8, Duration.ofMillis(20), Duration.ofMillis(150),
                Duration.ofMillis(15), Duration.ofMillis(40));
    }

    /** One change of an account on a server's disk, at virtual time {@code at}. */
    record Effect(long at, NodeId server, String account, long delta) {
    }

    final Simulation sim;
    final List<NodeId> servers;
    final List<Effect> effects = new ArrayList<>();
    // The observer runs after every step: it keeps the disks and nodes at hand rather than look them up by id.
    private final List<MemoryDurable> disks = new ArrayList<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final long[][] seen;
    /** The accounts the calls pay into (read key by key after every step: cheap; a scan would not be). */
    private final List<String> watched = new ArrayList<>(), watchedKeys = new ArrayList<>();
    final Map<NodeId, List<Long>> crashes = new TreeMap<>();
    final Map<NodeId, List<Long>> restarts = new TreeMap<>();
    private final Map<NodeId, Boolean> up = new HashMap<>();

    RpcCluster(long seed, RpcConfig config, List<NodeId> clients, List<NodeId> servers) {
        this.sim = new Simulation(seed);
        this.servers = servers;
        for (NodeId s : servers) sim.add(s, env -> new RpcServer(env, config));
        for (NodeId c : clients) sim.add(c, env -> new RpcClient(env, config, servers));
        seen = new long[servers.size()][MAX_ACCOUNTS];
        for (NodeId s : servers) disks.add(sim.storage(s));
        for (NodeId n : sim.nodes()) {
            nodes.add(sim.node(n));
            up.put(n, true);
            crashes.put(n, new ArrayList<>());
            restarts.put(n, new ArrayList<>());
        }
        sim.invariant("oracle: watch the disks", this::observe);
    }

    RpcCluster(long seed, RpcConfig config) {
        this(seed, config, List.of(CLIENT), List.of(SERVER));
    }

    private void observe() {
        for (int s = 0; s < servers.size(); s++) {
            MemoryDurable disk = disks.get(s);
            for (int a = 0; a < watched.size(); a++) {
                long now = disk.get(watchedKeys.get(a)).map(Long::parseLong).orElse(0L);
                if (now != seen[s][a]) {
                    effects.add(new Effect(sim.now(), servers.get(s), watched.get(a), now - seen[s][a]));
                    seen[s][a] = now;
                }
            }
        }
        for (SimNode n : nodes) {
            boolean u = n.isUp();
            if (u != up.get(n.id())) {
                (u ? restarts : crashes).get(n.id()).add(sim.now());
                Long down = rebootAfter.get(n.id());
                if (!u && down != null) sim.at(Duration.ofNanos(sim.now() + down), () -> reboot(n.id()));
            }
            up.put(n.id(), u);
        }
    }

    private final Map<NodeId, Long> rebootAfter = new HashMap<>();
    private final Map<NodeId, Runnable> onReboot = new HashMap<>();

    /** Whenever {@code n} goes down (at a crash point too), it is restarted {@code down} later; then {@code then} runs. */
    void rebootAfter(NodeId n, Duration down, Runnable then) {
        rebootAfter.put(n, down.toNanos());
        onReboot.put(n, then);
    }

    /** Reboots as a new process (onStart over the disk, as after kill -9) instead of a recovery (onRecover). */
    boolean asProcess;

    private void reboot(NodeId n) {
        if (sim.isUp(n)) return;
        if (asProcess) sim.restartProcess(n);
        else sim.restart(n);
        onReboot.get(n).run();
    }

    long balance(NodeId server, String account) {
        return sim.storage(server).get(ACCOUNT + account).map(Long::parseLong).orElse(0L);
    }

    /** The effects on {@code account} (at any server) of size {@code delta}. */
    List<Effect> effects(String account, long delta) {
        return effects.stream().filter(e -> e.account().equals(account) && e.delta() == delta).toList();
    }

    /** A call through {@code client}; its account is watched from now on. */
    SimRequest call(Duration at, NodeId client, NodeId server, String account, long amount, int work) {
        if (!watched.contains(account)) {
            if (watched.size() == MAX_ACCOUNTS) throw new IllegalStateException("at most " + MAX_ACCOUNTS + " accounts");
            watched.add(account);
            watchedKeys.add(ACCOUNT + account);
        }
        return sim.requestAt(at, client, new RpcRequests.Call(server.value(), account, amount, work));
    }

    /** Restarts {@code n} whenever it is found down, checking every {@code every} until {@code until}. */
    void keepRestarting(NodeId n, Duration every, Duration until) {
        for (long t = every.toNanos(); t <= until.toNanos(); t += every.toNanos()) {
            sim.at(Duration.ofNanos(t), () -> {
                if (!sim.isUp(n)) sim.restart(n);
            });
        }
    }

    boolean allFinished(List<SimRequest> requests) {
        return requests.stream().allMatch(SimRequest::finished);
    }

    static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
