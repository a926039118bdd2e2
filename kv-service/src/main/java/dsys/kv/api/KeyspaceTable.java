package dsys.kv.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.node.NodeId;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyspaceConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keyspaces created at run time, as the system keyspace's register {@code keyspaces} holds them (JSON), with
 * the version of that register they were read at. The table only grows (a keyspace is never changed or dropped),
 * so any chosen version of it is a prefix of every later one and a stale copy is never wrong, only incomplete.
 */
record KeyspaceTable(Ballot version, List<KeyspaceTable.Entry> keyspaces) {

    static final KeyspaceTable EMPTY = new KeyspaceTable(Ballot.ZERO, List.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One keyspace as stored; replicas in configuration order, votes per replica; {@code mode} null: quorum;
     * {@code variant} null: the mode's default. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Entry(String name, List<String> replicas, Map<String, Integer> votes, int readQuorum, int writeQuorum,
                 String mode, String variant) {

        static Entry of(KeyspaceConfig c) {
            Map<String, Integer> v = new LinkedHashMap<>();
            c.replicas().forEach(r -> v.put(r.value(), c.votesOf(r)));
            return new Entry(c.name(), c.replicas().stream().map(NodeId::value).toList(), v, c.readQuorum(), c.writeQuorum(),
                    c.mode().equals(KeyspaceConfig.QUORUM) ? null : c.mode(), c.variant());
        }

        KeyspaceConfig config() {
            Map<NodeId, Integer> v = new LinkedHashMap<>();
            votes.forEach((n, k) -> v.put(NodeId.of(n), k));
            return new KeyspaceConfig(name, replicas.stream().map(NodeId::of).toList(), v, readQuorum, writeQuorum, mode, variant);
        }
    }

    private record Stored(List<Entry> keyspaces) {
    }

    KeyspaceTable {
        keyspaces = List.copyOf(keyspaces);
    }

    static KeyspaceTable decode(Ballot version, String json) {
        try {
            return new KeyspaceTable(version, JSON.readValue(json, Stored.class).keyspaces());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored keyspace table is not readable: " + e.getOriginalMessage(), e);
        }
    }

    String encode() {
        try {
            return JSON.writeValueAsString(new Stored(keyspaces));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    Entry find(String name) {
        return keyspaces.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    /** This table with {@code c} added (the caller checked that the name is free). */
    KeyspaceTable with(KeyspaceConfig c) {
        List<Entry> more = new ArrayList<>(keyspaces);
        more.add(Entry.of(c));
        return new KeyspaceTable(version, more);
    }

    List<KeyspaceConfig> configs() {
        return keyspaces.stream().map(Entry::config).toList();
    }
}
