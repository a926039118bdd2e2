package dsys.platform.checkpoint;

import dsys.core.checkpoint.live.Algorithm;
import dsys.core.checkpoint.live.Views;
import dsys.platform.web.AdminOnly;
import dsys.platform.web.ProblemException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * /api/txn/checkpoints, thin: checks the body, hands the run to the initiator core ({@link CheckpointsHost}) and
 * answers what it answers (its refusals as problems with their status: 409 busy or not restorable, 503 aborted or a
 * node silent, 404 unknown). Restore is admin-only; it answers 202 when a node had not confirmed by the deadline
 * (the order keeps going to it). A {@link RestoreGate} bean, when there is one, is closed during a restore: 409 when
 * it refuses (work in flight).
 */
@RestController
@RequestMapping("/api/txn/checkpoints")
public class CheckpointsController {

    private static final Pattern ID = Pattern.compile("[a-z]{1,16}-[0-9]{1,18}");

    private final CheckpointsHost host;
    private final CheckpointMetrics metrics;
    private final RestoreGate gate;

    public CheckpointsController(CheckpointsHost host, CheckpointMetrics metrics,
                                 org.springframework.beans.factory.ObjectProvider<RestoreGate> gate) {
        this.host = host;
        this.metrics = metrics;
        this.gate = gate.getIfAvailable(() -> RestoreGate.NONE);
    }

    public record TakeBody(String algorithm) {
    }

    @PostMapping
    public CompletableFuture<ResponseEntity<Views.GlobalCheckpoint>> take(@RequestBody(required = false) TakeBody body) {
        String name = body == null ? null : body.algorithm();
        Algorithm a = Algorithm.parse(name);
        if (a == null) {
            throw ProblemException.badRequest("the body must be {\"algorithm\": \"independent\"|\"coordinated\"|\"snapshot\"}"
                    + (name == null ? "" : ", not '" + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'"));
        }
        return host.take(a.label()).handle((g, t) -> {
            if (t != null) {
                if (cause(t) instanceof ProblemException p && p.status() == 503) metrics.aborted(a.label());
                throw rethrow(t);
            }
            metrics.taken(a.label(), g.complete());
            return ResponseEntity.created(URI.create("/api/txn/checkpoints/" + g.id())).body(g);
        });
    }

    @GetMapping
    public CompletableFuture<Views.Listing> list() {
        return host.list();
    }

    @GetMapping("/{id}")
    public CompletableFuture<Views.GlobalCheckpoint> get(@PathVariable String id) {
        return host.get(checked(id));
    }

    @AdminOnly
    @PostMapping("/{id}/restore")
    public CompletableFuture<ResponseEntity<Views.RestoreOutcome>> restore(@PathVariable String id) {
        String checkedId = checked(id);
        String busy = gate.close();
        if (busy != null) {
            throw new ProblemException(409, "restore-refused", "Restore refused", busy
                    + "; a restore rolls every participant back, so work in flight would half-survive it: retry once it has ended");
        }
        CompletableFuture<Views.RestoreOutcome> restored;
        try {
            restored = host.restore(checkedId);
        } catch (RuntimeException e) {
            gate.open();
            throw e;
        }
        return restored.whenComplete((o, t) -> gate.open()).thenApply(o -> {
            if (!o.pending().isEmpty()) return ResponseEntity.status(HttpStatus.ACCEPTED).body(o);
            metrics.restored(o.algorithm());
            return ResponseEntity.ok(o);
        });
    }

    private static String checked(String id) {
        if (!ID.matcher(id).matches()) {
            throw new ProblemException(404, "no-such-checkpoint", "Not found", "checkpoint ids look like snapshot-3, "
                    + "coordinated-2 or independent-5 (GET /api/txn/checkpoints lists them)");
        }
        return id;
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static RuntimeException rethrow(Throwable t) {
        Throwable c = cause(t);
        return c instanceof RuntimeException r ? r : new CompletionException(c);
    }
}
