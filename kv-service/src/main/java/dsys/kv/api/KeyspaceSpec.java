package dsys.kv.api;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.core.node.NodeId;
import dsys.kv.mode.Modes;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.platform.web.ProblemException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /api/kv/keyspaces}. {@code replicas} is a list of node names or a number N (the N
 * members ranked first by rendezvous hashing on the keyspace's name, so keyspaces spread over the nodes);
 * absent: every member. {@code votes} default to 1 each, {@code readQuorum} and {@code writeQuorum} to a majority
 * of the votes. {@code mode} is one of {@link Modes} (absent: quorum); votes and quorums are the quorum mode's.
 * {@code writeMode} (primary-backup: remote or local) and {@code sequencer} (active) choose a mode's variant.
 */
public record KeyspaceSpec(String name, String mode, JsonNode replicas, Map<String, Integer> votes,
                           Integer readQuorum, Integer writeQuorum, String writeMode, String sequencer) {

    KeyspaceSpec(String name, String mode, JsonNode replicas, Map<String, Integer> votes, Integer readQuorum,
                 Integer writeQuorum) {
        this(name, mode, replicas, votes, readQuorum, writeQuorum, null, null);
    }

    /** Names the API's own routes or the system keyspace use. */
    static final Set<String> RESERVED = Set.of(KeyspaceCatalog.SYSTEM, "keyspaces", "stats", "node");

    KeyspaceConfig toConfig(List<NodeId> members) {
        String m = mode == null ? KeyspaceConfig.QUORUM : mode;
        if (Modes.of(m) == null) {
            throw ProblemException.badRequest("mode '" + m + "' is not built; the modes are "
                    + Modes.all().stream().map(Modes.Mode::name).toList());
        }
        if (name != null && RESERVED.contains(name)) {
            throw ProblemException.badRequest("'" + name + "' is reserved (" + RESERVED + "); choose another name");
        }
        if (!m.equals(KeyspaceConfig.QUORUM) && (votes != null || readQuorum != null || writeQuorum != null)) {
            throw ProblemException.badRequest("votes, readQuorum and writeQuorum belong to the quorum mode, not to '" + m + "'");
        }
        String variant = variant(Modes.of(m));
        List<NodeId> chosen = replicas(members);
        Map<NodeId, Integer> v = new LinkedHashMap<>();
        if (votes != null) votes.forEach((n, k) -> v.put(NodeId.of(n), k == null ? 1 : k));
        int total = chosen.stream().mapToInt(n -> v.getOrDefault(n, 1)).sum();
        int majority = total / 2 + 1;
        try {
            return new KeyspaceConfig(name, chosen, v, readQuorum == null ? majority : readQuorum,
                    writeQuorum == null ? majority : writeQuorum, m, variant);
        } catch (KeyspaceConfig.QuorumRuleViolation e) {
            throw new ProblemException(400, "quorum-rule-broken", "Quorum rule broken", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(e.getMessage());
        }
    }

    /** The variant named by the mode's option; an option of another mode, or an unknown value, is a 400. */
    private String variant(Modes.Mode m) {
        Map<String, String> given = new LinkedHashMap<>();
        if (writeMode != null) given.put("writeMode", writeMode);
        if (sequencer != null) given.put("sequencer", sequencer);
        String chosen = null;
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (!e.getKey().equals(m.option())) {
                throw ProblemException.badRequest(e.getKey() + " is not an option of mode '" + m.name() + "'"
                        + (m.option() == null ? " (it has none)" : "; its option is " + m.option()));
            }
            if (!m.variants().contains(e.getValue())) {
                throw ProblemException.badRequest(e.getKey() + " of mode '" + m.name() + "' is one of " + m.variants()
                        + ", got '" + e.getValue() + "'");
            }
            chosen = e.getValue();
        }
        return chosen;
    }

    private List<NodeId> replicas(List<NodeId> members) {
        if (replicas == null || replicas.isNull()) return members;
        if (replicas.isInt()) {
            int n = replicas.asInt();
            if (n < 1 || n > members.size()) {
                throw ProblemException.badRequest("replicas must be 1.." + members.size() + " (the members), got " + n);
            }
            String key = name == null ? "" : name;
            return members.stream().sorted(Comparator.comparingLong((NodeId m) -> rank(key, m)).thenComparing(NodeId::value))
                    .limit(n).sorted(Comparator.comparing(NodeId::value)).toList();
        }
        if (!replicas.isArray()) {
            throw ProblemException.badRequest("replicas is a number or a list of node names, got " + replicas);
        }
        List<NodeId> named = new ArrayList<>();
        for (JsonNode r : replicas) {
            if (!r.isTextual() || !members.contains(NodeId.of(r.asText()))) {
                throw ProblemException.badRequest("replica " + r + " is not a member; the members are " + members);
            }
            named.add(NodeId.of(r.asText()));
        }
        return named;
    }

    /** Rendezvous (highest random weight) hashing: a stable, well-spread ranking of the members per name. */
    private static long rank(String name, NodeId member) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (name + "/" + member.value()).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return -h; // highest weight first
    }
}
