package dsys.kv.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.Versioned;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /api/kv/{keyspace}/{key}/replicas} answers: each replica's state of the key as it answered (no
 * quorum, no repair), the newest version among them, and whether they differ. A value is shown whole up to
 * {@link #SHOWN} bytes, as text or base64 as it is stored; beyond that only its size.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicasBody(String keyspace, String key, String newest, boolean divergent, List<Replica> replicas,
                           Map<String, Integer> messages) {

    static final int SHOWN = 4096;

    /**
     * {@code state}: value, tombstone (a death certificate), absent (never written here, or collected), or
     * no-answer; {@code version}: the version of the content; {@code accepted}: the ballot of the round that
     * last accepted it (a read's write-back or a repair re-accepts the same version at a higher ballot);
     * {@code chosen}: known chosen (committed) here; {@code behind}: older than the newest version any replica
     * answered.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Replica(String node, int votes, String state, String version, String accepted, Boolean chosen,
                          Boolean behind, String contentType, Integer size, String value, String valueBase64) {
    }

    static ReplicasBody of(String keyspace, KvReplies.Replicas r) {
        Ballot newest = r.replicas().stream().filter(KvReplies.ReplicaReport::answered)
                .map(p -> p.content().version()).max(Ballot::compareTo).orElse(Ballot.ZERO);
        long distinct = r.replicas().stream().filter(KvReplies.ReplicaReport::answered)
                .map(p -> p.content().version()).distinct().count();
        boolean silent = r.replicas().stream().anyMatch(p -> !p.answered());
        List<Replica> shown = r.replicas().stream().map(p -> replica(p, newest)).toList();
        return new ReplicasBody(keyspace, r.key(), newest.zero() ? null : newest.toString(), distinct > 1 || silent,
                shown, r.messages());
    }

    private static Replica replica(KvReplies.ReplicaReport p, Ballot newest) {
        if (!p.answered()) return new Replica(p.node(), p.votes(), "no-answer", null, null, null, null, null, null, null, null);
        Versioned c = p.content();
        String state = c.present() ? "value" : c.tombstone() ? "tombstone" : "absent";
        String version = c.version().zero() ? null : c.version().toString();
        String accepted = p.accepted().zero() ? null : p.accepted().toString();
        boolean behind = c.version().compareTo(newest) < 0;
        if (!c.present()) {
            return new Replica(p.node(), p.votes(), state, version, accepted, p.chosen(), behind, null, null, null, null);
        }
        StoredValue v = StoredValue.decode(c.value());
        String text = StoredValue.text(c.value());
        boolean small = v.body().length <= SHOWN;
        return new Replica(p.node(), p.votes(), state, version, accepted, p.chosen(), behind, v.contentType(),
                v.body().length, small && text != null ? text : null,
                small && text == null ? Base64.getEncoder().encodeToString(v.body()) : null);
    }
}
