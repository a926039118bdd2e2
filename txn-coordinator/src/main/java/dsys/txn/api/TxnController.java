package dsys.txn.api;

import dsys.core.commit.CommitCoordinator;
import dsys.core.commit.CommitRequests;
import dsys.txn.api.TxnBodies.BeginBody;
import dsys.txn.api.TxnBodies.OutcomeBody;
import dsys.platform.web.ProblemException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * /api/txn: thin — checks the body ({@link TxnBodies}), picks each operation's participant
 * ({@link ParticipantChoice}), hands the transaction to the coordinator core and answers its decision. The core's
 * rejections arrive as problem+json with their status; no decision within the timeout is a 504.
 */
@RestController
@RequestMapping("/api/txn")
public class TxnController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final TxnHost host;
    private final ParticipantChoice participants;
    private final TxnMetrics metrics;
    private final long defaultTimeoutMs;

    private final TxnRestoreGate gate;

    public TxnController(TxnHost host, ParticipantChoice participants, TxnMetrics metrics, TxnProperties props, TxnRestoreGate gate) {
        this.host = host;
        this.gate = gate;
        this.participants = participants;
        this.metrics = metrics;
        this.defaultTimeoutMs = props.getTimeoutMs();
    }

    /**
     * Runs one transaction under 2PC or 3PC; a retry with the same Idempotency-Key gets the first outcome (its reads and
     * message counts too, from the coordinator's log after a restart).
     */
    @PostMapping
    public CompletableFuture<OutcomeBody> begin(@RequestBody(required = false) BeginBody body,
                                                @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        CommitRequests.Begin begin = TxnBodies.begin(body, key, participants);
        Duration timeout = TxnBodies.timeout(body, defaultTimeoutMs);
        long start = System.nanoTime();
        if (!gate.enter()) {
            throw new ProblemException(503, "restoring", "Restoring a checkpoint", "a global checkpoint is being restored "
                    + "(POST /api/txn/checkpoints/{id}/restore); transactions are refused until it has ended: retry in a moment");
        }
        return host.begin(begin, timeout)
                .whenComplete((o, t) -> gate.leave())
                .whenComplete((o, t) -> metrics.answered(begin.protocol(), key != null, start, o, t))
                .whenComplete((o, t) -> {
                    if (o != null) participants.silent(o.silent());
                })
                .handle((o, t) -> {
                    if (t == null) return OutcomeBody.of(o);
                    throw undecided(t, timeout, key);
                });
    }

    private static RuntimeException undecided(Throwable t, Duration timeout, String key) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof ProblemException p && p.status() == 504) {
            return new ProblemException(504, "timeout", "Timed out", "no decision within " + timeout.toMillis()
                    + " ms; the transaction may still commit or abort" + (key == null
                    ? " (send an Idempotency-Key to be able to retry and learn its outcome)"
                    : ": retry with the same Idempotency-Key to learn its outcome"));
        }
        return c instanceof RuntimeException r ? r : new CompletionException(c);
    }

    /** The coordinator's state of the transaction: its logged state, who voted vote-commit, who acknowledged. */
    @GetMapping("/{txnId}")
    public CompletableFuture<CommitCoordinator.View> inspect(@PathVariable String txnId) {
        return host.inspect(txnId);
    }
}
