package dsys.kv.api;

import dsys.core.node.NodeId;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.platform.web.AdminOnly;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** /api/kv/keyspaces: create a keyspace (admin), list them. The table itself is agreed ({@link KeyspaceCatalog}). */
@RestController
@RequestMapping("/api/kv/keyspaces")
public class KeyspaceController {

    /** A keyspace as the API shows it; {@code created}: only in a creation's answer. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record KeyspaceBody(String name, String mode, List<String> replicas, Map<String, Integer> votes,
                               Integer totalVotes, Integer readQuorum, Integer writeQuorum, String consistency,
                               Map<String, Object> roles, Boolean created, String writeMode, String sequencer) {
        static KeyspaceBody of(KeyspaceConfig c, Boolean created) {
            return of(c, null, created);
        }

        /** {@code roles}: the answering node's view of them (chain: head, tail, epoch); null or empty: left out. */
        static KeyspaceBody of(KeyspaceConfig c, Map<String, Object> roles, Boolean created) {
            Map<String, Object> r = roles == null || roles.isEmpty() ? null : roles;
            List<String> replicas = c.replicas().stream().map(NodeId::value).toList();
            dsys.kv.mode.Modes.Mode m = dsys.kv.mode.Modes.of(c.mode());
            if (m == null) { // stored by a build that had this mode
                return new KeyspaceBody(c.name(), c.mode(), replicas, null, null, null, null, "unknown: mode not built here",
                        r, created, null, null);
            }
            String variant = c.variantOr(m.defaultVariant());
            if (!c.mode().equals(KeyspaceConfig.QUORUM)) {
                return new KeyspaceBody(c.name(), c.mode(), replicas, null, null, null, null, m.model(), r, created,
                        "writeMode".equals(m.option()) ? variant : null, "sequencer".equals(m.option()) ? variant : null);
            }
            Map<String, Integer> v = new LinkedHashMap<>();
            c.replicas().forEach(n -> v.put(n.value(), c.votesOf(n)));
            return new KeyspaceBody(c.name(), c.mode(), replicas, v, c.totalVotes(), c.readQuorum(), c.writeQuorum(),
                    m.model(), r, created, null, null);
        }
    }

    /** {@code agreed} false: no quorum answered, and this is what the answering node knows. */
    public record ListBody(boolean agreed, List<KeyspaceBody> keyspaces) {
    }

    private final KvHost host;

    public KeyspaceController(KvHost host) {
        this.host = host;
    }

    /** 201 when this call added it, 200 when it already existed with exactly this configuration. */
    @AdminOnly
    @PostMapping
    public CompletableFuture<ResponseEntity<KeyspaceBody>> create(@RequestBody KeyspaceSpec spec) {
        KeyspaceConfig c = spec.toConfig(host.members());
        return host.create(c).thenApply(a -> ResponseEntity.status(a.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(KeyspaceBody.of(a.config(), a.created())));
    }

    /*
     * On the request thread, not in a continuation: the listing completes in the system keyspace's serial section,
     * and each keyspace's roles are read in its own, which is the same node's one section. A thenApplyAsync without
     * an executor started a thread per call on a two-core host (the common pool has no worker there).
     */
    @GetMapping
    public ListBody list() {
        KvHost.Listing l = host.list().join(); // never fails: a refresh that does not come back lists what is known
        return new ListBody(l.agreed(), l.keyspaces().stream().map(c -> KeyspaceBody.of(c, host.roles(c.name()), null)).toList());
    }
}
