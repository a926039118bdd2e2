package dsys.txn.rpc;

import dsys.core.rpc.OrphanRemedy;
import dsys.core.rpc.RpcConfig;
import dsys.core.rpc.RpcRequests;
import dsys.platform.web.ProblemException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * /api/txn/rpc: remote procedure calls from txn-1 to a kv node's server stub, under at-most-once semantics and the
 * orphan remedy the body names. The procedure adds {@code amount} to {@code account} on the server's disk, as a
 * computation of {@code work} steps of 50 ms; an amount of 0 reads the balance. Crash txn-1 while a call runs
 * (crash point {@value dsys.core.rpc.RpcClient#AFTER_CALL_ACCEPTED}) to leave an orphan behind.
 */
@RestController
@RequestMapping("/api/txn/rpc")
public class RpcController {

    /** At most 20 s of work (400 steps of 50 ms). */
    static final int MAX_WORK = 400;
    static final long MAX_AMOUNT = 1_000_000_000_000L;
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final RpcCallers callers;

    public RpcController(RpcCallers callers) {
        this.callers = callers;
    }

    public record CallBody(String remedy, String server, String account, Long amount, Integer work) {
    }

    public record CallResult(String remedy, String call, long balance, int transmissions, long ms) {
    }

    public record Remedy(String remedy, String group, String semantics, long tickMs, long quantumMs, long rebootWaitMs,
                         List<String> servers) {
    }

    @PostMapping("/calls")
    public CompletableFuture<CallResult> call(@RequestBody(required = false) CallBody body) {
        if (body == null) throw ProblemException.badRequest("a call needs a JSON body: {remedy, server, account, amount, work}");
        OrphanRemedy remedy = OrphanRemedy.parse(body.remedy());
        if (remedy == null) {
            throw ProblemException.badRequest("remedy must be one of " + Arrays.stream(OrphanRemedy.values()).map(OrphanRemedy::label).toList()
                    + ", was " + body.remedy());
        }
        if (body.account() == null || !ACCOUNT.matcher(body.account()).matches()) {
            throw ProblemException.badRequest("account must be 1 to 100 letters, digits, '.', '_' or '-'");
        }
        long amount = body.amount() == null ? 0 : body.amount();
        if (Math.abs(amount) > MAX_AMOUNT) throw ProblemException.badRequest("amount must be within ±" + MAX_AMOUNT);
        int work = body.work() == null ? 0 : body.work();
        if (work < 0 || work > MAX_WORK) throw ProblemException.badRequest("work must be 0 to " + MAX_WORK + " steps");
        RpcConfig config = RpcConfig.live(remedy);
        // the computation, every retransmission of a silent server, and expiration's wait after a reboot
        Duration timeout = config.tick().multipliedBy(work).plus(config.retry().multipliedBy(config.attempts() + 1))
                .plus(config.rebootWait()).plusSeconds(2);
        long start = System.nanoTime();
        return callers.call(remedy, new RpcRequests.Call(body.server(), body.account(), amount, work), timeout)
                .thenApply(r -> new CallResult(remedy.label(), r.call(), r.balance(), r.transmissions(),
                        (System.nanoTime() - start) / 1_000_000));
    }

    /** The remedies a call can name, with their settings and the servers the clients know. */
    @GetMapping("/remedies")
    public List<Remedy> remedies() {
        return Arrays.stream(OrphanRemedy.values()).map(r -> {
            RpcConfig c = RpcConfig.live(r);
            return new Remedy(r.label(), r.group(), c.semantics().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    c.tick().toMillis(), c.quantum().toMillis(), c.rebootWait().toMillis(), callers.servers());
        }).toList();
    }
}
