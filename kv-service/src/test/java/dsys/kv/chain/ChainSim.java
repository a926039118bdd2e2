package dsys.kv.chain;

import dsys.core.node.NodeId;
import dsys.kv.chain.ChainMessages.WriteDone;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.sim.KvSim;

import java.util.List;
import java.util.Objects;

/**
 * A chain (or primary-backup) keyspace on kv-1..n in the simulator ({@link KvSim} with {@link ChainStore} cores), with two oracles that
 * read the simulated disks and node states, never the cores' answers: acknowledged ⇒ on every member's disk, and
 * at most one node answers linearizable reads at any instant.
 */
final class ChainSim {

    final KvSim kv;
    int acksChecked;

    ChainSim(long seed, int n, QuorumSettings settings) {
        this(seed, n, settings, Shape.CHAIN, null);
    }

    /** {@code shape} STAR: the primary-backup mode with write mode {@code writeMode} (remote or local). */
    ChainSim(long seed, int n, QuorumSettings settings, Shape shape, String writeMode) {
        kv = new KvSim(seed, n, ns -> KeyspaceConfig.majority("chain", ns).withMode(shape == Shape.STAR ? "primary-backup" : "chain")
                .withVariant(writeMode), settings, shape == Shape.STAR ? ChainStore::primaryBackup : ChainStore::new);
        // the head's acknowledgement: a WriteDone it sends, or a Written it answers its own client with
        kv.onSend((from, to, m) -> {
            if (m instanceof WriteDone w) checkDurable(from, w.key(), w.version());
        });
        kv.onReply((node, id, result) -> { // no messages: the head took the client's request itself
            if (result instanceof KvReplies.Written w && w.messages().isEmpty() && kv.sim.isUp(node)) {
                checkDurable(node, w.key(), w.version());
            }
        });
        kv.sim.invariant("one tail answers reads", () -> {
            List<NodeId> serving = kv.nodes.stream().filter(n2 -> kv.sim.isUp(n2) && store(n2).servingReads()).toList();
            if (serving.size() > 1) throw new AssertionError("two nodes answer linearizable reads: " + serving);
        });
    }

    static ChainSim of(long seed, int n) {
        return new ChainSim(seed, n, QuorumSettings.sim());
    }

    /**
     * Acknowledged means durable: when head {@code head} acknowledges a write, every member of its view holds the
     * write (or a later version of the key) on disk — every member that still has that view; one that has moved on to
     * a later view without this member (removed, and forgetting its copy to rejoin) no longer counts.
     */
    private void checkDurable(NodeId head, String key, Ballot version) {
        View v = disk(head);
        for (String m : v.chain()) {
            NodeId n = NodeId.of(m);
            View theirs = disk(n);
            if (theirs.epoch() != v.epoch()) continue;
            Ballot held = ChainStore.storedVersion(kv.sim.storage(n), "chain", key);
            if (held.isBefore(version)) {
                throw new AssertionError(head + " acknowledged " + key + "@" + version + " in view " + v + ", but "
                        + m + "'s disk holds " + held);
            }
        }
        acksChecked++;
    }

    View disk(NodeId n) {
        View v = ChainStore.storedView(kv.sim.storage(n), "chain");
        return v != null ? v : new View(0, kv.nodes.stream().map(NodeId::value).toList());
    }

    ChainStore store(NodeId n) {
        return (ChainStore) kv.sim.core(n);
    }

    View view(NodeId n) {
        return store(n).view();
    }

    NodeId node(int i) {
        return kv.node(i);
    }

    /** The newest view any node's disk records. */
    View latestView() {
        return kv.nodes.stream().map(this::disk).max(java.util.Comparator.comparingLong(View::epoch)).orElseThrow();
    }

    /** Every replica is up, in one view (all of them), and holds the same keys and versions. */
    boolean converged() {
        if (!kv.nodes.stream().allMatch(kv.sim::isUp)) return false;
        View v = view(kv.nodes.get(0));
        if (v.chain().size() != kv.nodes.size()) return false;
        Object first = store(kv.nodes.get(0)).entries();
        return kv.nodes.stream().allMatch(n -> view(n).equals(v) && Objects.equals(store(n).entries(), first));
    }
}
