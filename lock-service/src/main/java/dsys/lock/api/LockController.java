package dsys.lock.api;

import dsys.lock.api.LockBodies.AcquireBody;
import dsys.lock.api.LockBodies.AlgorithmBody;
import dsys.lock.api.LockBodies.FencedWriteBody;
import dsys.lock.api.LockBodies.HolderBody;
import dsys.lock.node.LockReplies.AlgorithmSet;
import dsys.lock.node.LockReplies.FencedResult;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockReplies.LockView;
import dsys.lock.node.LockReplies.Released;
import dsys.lock.node.LockReplies.Renewed;
import dsys.lock.node.LockReplies.Withdrawn;
import dsys.lock.node.LockRequests;
import dsys.lock.stats.StatsView;
import dsys.platform.web.AdminOnly;
import dsys.platform.web.ProblemException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * /api/locks: thin — checks that the body is there, hands it to this node's core, records metrics. The node that
 * receives a request acts for the client; renew and release are routed to that node by the core.
 */
@RestController
@RequestMapping("/api/locks")
public class LockController {

    private static final Duration QUICK = Duration.ofSeconds(2);
    static final long DEFAULT_WAIT_MS = 1_000;
    static final String WAITER = "X-Dsys-Waiter";
    private final LockHost host;
    private final LockMetrics metrics;

    public LockController(LockHost host, LockMetrics metrics) {
        this.host = host;
        this.metrics = metrics;
    }

    /**
     * {@code X-Dsys-Waiter}: an id to withdraw this wait by if its client goes away (the gateway sets one). A node
     * cannot tell itself: Tomcat reports no disconnect of a waiting asynchronous request (measured with NIO and
     * NIO2; the servlet API has no such event), so the gateway, which sees its client go, withdraws it.
     */
    @PostMapping("/{name}/acquire")
    public CompletableFuture<Granted> acquire(@PathVariable String name, @RequestBody(required = false) AcquireBody b,
                                              @RequestHeader(value = WAITER, required = false) String waiter) {
        if (b == null) throw bad("a body {owner, leaseMs, waitMs} is required");
        if (b.leaseMs() == null) throw bad("leaseMs is required (1.." + host.config().maxLeaseMs() + ")");
        // waitMs includes the protocol's own messages: 0 only succeeds where the decision is local
        long wait = b.waitMs() == null ? DEFAULT_WAIT_MS : b.waitMs();
        return host.call(new LockRequests.Acquire(name, b.owner(), b.leaseMs(), wait, waiter),
                Duration.ofMillis(Math.max(0, Math.min(wait, host.config().maxWaitMs()))), Granted.class)
                .whenComplete(metrics::acquired);
    }

    @PostMapping("/{name}/renew")
    public CompletableFuture<Renewed> renew(@PathVariable String name, @RequestBody(required = false) HolderBody b) {
        checkHolder(b);
        return host.call(new LockRequests.Renew(name, b.owner(), b.fencingToken()), QUICK, Renewed.class);
    }

    @PostMapping("/{name}/release")
    public CompletableFuture<Released> release(@PathVariable String name, @RequestBody(required = false) HolderBody b) {
        checkHolder(b);
        return host.call(new LockRequests.Release(name, b.owner(), b.fencingToken()), QUICK, Released.class)
                .whenComplete(metrics::released);
    }

    /** Admin (the gateway calls it): the client of acquire {@code waiter} has gone; 404 when nothing waits. */
    @AdminOnly
    @DeleteMapping("/{name}/waiters/{waiter}")
    public CompletableFuture<Withdrawn> withdraw(@PathVariable String name, @PathVariable String waiter) {
        return host.call(new LockRequests.Withdraw(name, waiter), QUICK, Withdrawn.class);
    }

    @GetMapping("/{name}")
    public CompletableFuture<LockView> inspect(@PathVariable String name) {
        return host.call(new LockRequests.Inspect(name), QUICK, LockView.class);
    }

    @AdminOnly
    @PutMapping("/algorithm")
    public CompletableFuture<AlgorithmSet> algorithm(@RequestBody(required = false) AlgorithmBody b) {
        if (b == null) throw bad("a body {algorithm} is required");
        return host.call(new LockRequests.SwitchAlgorithm(b.algorithm()), Duration.ofSeconds(10), AlgorithmSet.class);
    }

    /**
     * This node's own view: epoch, algorithm, coordinator, members, grace left, its holds and tallies. Fixed routes
     * live under the reserved "_" prefix so that no lock name is shadowed (a lock may be called "status").
     */
    @GetMapping("/_status")
    public dsys.lock.node.LockNodeCore.NodeView status() {
        return host.view();
    }

    @GetMapping("/_stats")
    public CompletableFuture<StatsView> stats() {
        return host.call(new LockRequests.Stats(), QUICK, StatsView.class);
    }

    @PostMapping("/{name}/fenced-write")
    public CompletableFuture<FencedResult> fencedWrite(@PathVariable String name,
                                                       @RequestBody(required = false) FencedWriteBody b) {
        if (b == null || b.token() == null) throw bad("a body {token, value} is required");
        return host.call(new LockRequests.FencedWrite(name, b.token(), b.value()), QUICK, FencedResult.class)
                .whenComplete(metrics::fencedWrite);
    }

    @GetMapping("/{name}/fenced")
    public CompletableFuture<FencedResult> fencedRead(@PathVariable String name) {
        return host.call(new LockRequests.FencedRead(name), QUICK, FencedResult.class);
    }

    private void checkHolder(HolderBody b) {
        if (b == null || b.owner() == null || b.fencingToken() == null) {
            throw bad("a body {owner, fencingToken} is required");
        }
    }

    private static ProblemException bad(String detail) {
        return new ProblemException(400, "bad-request", "Bad request", detail);
    }
}
