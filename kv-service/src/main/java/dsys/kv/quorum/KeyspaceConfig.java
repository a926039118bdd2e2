package dsys.kv.quorum;

import dsys.core.node.NodeId;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A keyspace's replication by weighted voting (Gifford; notes §4.3.2.2.2): which nodes hold a replica, each
 * replica's votes V_i (V = their sum), and the votes a read (V_r) and a write (V_w) must gather. The constructor
 * refuses a configuration that breaks a rule and names the rule: V_r + V_w > V (every read quorum meets every
 * write quorum, so a read sees the latest write) and V_w > V/2 (two write quorums meet, so writes are ordered).
 * {@code mode} names another replication mode ({@code dsys.kv.mode.Modes}), {@code variant} one of that mode's
 * variants (null: its default).
 */
public record KeyspaceConfig(String name, List<NodeId> replicas, Map<NodeId, Integer> votes, int readQuorum,
                             int writeQuorum, String mode, String variant) {

    /** The replication mode of keyspaces that do not name one: weighted voting over CASPaxos registers. */
    public static final String QUORUM = "quorum";

    public KeyspaceConfig(String name, List<NodeId> replicas, Map<NodeId, Integer> votes, int readQuorum, int writeQuorum) {
        this(name, replicas, votes, readQuorum, writeQuorum, QUORUM, null);
    }

    public KeyspaceConfig(String name, List<NodeId> replicas, Map<NodeId, Integer> votes, int readQuorum, int writeQuorum,
                          String mode) {
        this(name, replicas, votes, readQuorum, writeQuorum, mode, null);
    }

    /** A broken quorum rule; {@link #rule()} is the rule as the notes write it. */
    public static final class QuorumRuleViolation extends IllegalArgumentException {
        private final String rule;

        QuorumRuleViolation(String rule, String detail) {
            super(rule + " is broken: " + detail);
            this.rule = rule;
        }

        public String rule() {
            return rule;
        }
    }

    public KeyspaceConfig {
        if (mode == null) mode = QUORUM;
        if (!validName(name)) {
            throw new IllegalArgumentException("keyspace name must be 1-63 of a-z, 0-9 and '-', starting with a "
                    + "letter or digit, got '" + name + "'");
        }
        if (replicas == null || replicas.isEmpty()) throw new IllegalArgumentException("a keyspace needs replicas");
        replicas = List.copyOf(replicas);
        if (new HashSet<>(replicas).size() != replicas.size()) {
            throw new IllegalArgumentException("replicas named twice: " + replicas);
        }
        Map<NodeId, Integer> v = new LinkedHashMap<>();
        for (NodeId r : replicas) {
            int n = votes == null ? 1 : votes.getOrDefault(r, 1);
            if (n < 0) throw new IllegalArgumentException("votes of " + r + " must not be negative, got " + n);
            v.put(r, n);
        }
        if (votes != null) {
            Set<NodeId> extra = new HashSet<>(votes.keySet());
            extra.removeAll(v.keySet());
            if (!extra.isEmpty()) throw new IllegalArgumentException("votes for nodes that hold no replica: " + extra);
        }
        votes = Map.copyOf(v);
        int total = v.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) throw new IllegalArgumentException("the replicas have no votes at all");
        if (readQuorum < 1 || readQuorum > total) {
            throw new IllegalArgumentException("readQuorum V_r must be within 1..V = " + total + ", got " + readQuorum);
        }
        if (writeQuorum < 1 || writeQuorum > total) {
            throw new IllegalArgumentException("writeQuorum V_w must be within 1..V = " + total + ", got " + writeQuorum);
        }
        if (readQuorum + writeQuorum <= total) {
            throw new QuorumRuleViolation("V_r + V_w > V", readQuorum + " + " + writeQuorum + " = "
                    + (readQuorum + writeQuorum) + " is not more than V = " + total
                    + ": a read quorum could miss the latest write");
        }
        if (2 * writeQuorum <= total) {
            throw new QuorumRuleViolation("V_w > V/2", writeQuorum + " is not more than " + total + "/2"
                    + ": two writes could gather disjoint quorums");
        }
    }

    /** Keyspace names: 1-63 of a-z, 0-9 and '-', starting with a letter or digit (safe in a path and a group name). */
    public static boolean validName(String name) {
        return name != null && name.matches("[a-z0-9][a-z0-9-]{0,62}");
    }

    /** One vote each, V_r = V_w = a majority: the default keyspace's N=3, R=2, W=2. */
    public static KeyspaceConfig majority(String name, List<NodeId> replicas) {
        int q = replicas.size() / 2 + 1;
        return new KeyspaceConfig(name, replicas, null, q, q);
    }

    /** Read-one-write-all: V_r = 1, V_w = V (one vote each). */
    public static KeyspaceConfig rowa(String name, List<NodeId> replicas) {
        return new KeyspaceConfig(name, replicas, null, 1, replicas.size());
    }

    /** This configuration in another replication mode (the votes and quorums are the quorum mode's). */
    public KeyspaceConfig withMode(String m) {
        return new KeyspaceConfig(name, replicas, votes, readQuorum, writeQuorum, m, null);
    }

    /** This configuration with the mode's variant {@code v} (primary-backup's write mode, active's sequencer). */
    public KeyspaceConfig withVariant(String v) {
        return new KeyspaceConfig(name, replicas, votes, readQuorum, writeQuorum, mode, v);
    }

    /** The variant, or {@code fallback} (the mode's default) when none was named. */
    public String variantOr(String fallback) {
        return variant == null ? fallback : variant;
    }

    public int totalVotes() {
        return votes.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int votesOf(NodeId n) {
        return votes.getOrDefault(n, 0);
    }

    public boolean isReplica(NodeId n) {
        return votes.containsKey(n);
    }

    @Override
    public String toString() {
        return mode.equals(QUORUM) ? name + " " + votes + " V=" + totalVotes() + " V_r=" + readQuorum + " V_w=" + writeQuorum
                : name + " " + mode + (variant == null ? "" : "/" + variant) + " " + replicas;
    }
}
