package dsys.lock.coordination.api;

import dsys.lock.coordination.CoordinationCore;
import dsys.lock.coordination.CoordinationRequests.RunAgreement;
import dsys.lock.coordination.CoordinationRequests.RunElection;
import dsys.lock.coordination.CoordinationResults.AgreementResult;
import dsys.lock.coordination.CoordinationResults.ElectionResult;
import dsys.lock.coordination.CoordinationResults.LeaderView;
import dsys.platform.host.CoreHost;
import dsys.platform.web.ProblemException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** REST adapter of /api/coordination (API.md): checks the shape of a request, then asks this node's core. */
@RestController
@RequestMapping("/api/coordination")
public class CoordinationController {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** {@code algorithm}: "bully" or "ring". */
    public record ElectionBody(String algorithm) {
    }

    /** {@code values}: general → value (string or number); the rest as in {@link RunAgreement}. */
    public record AgreementBody(Map<String, Object> values, List<String> traitors, Integer rounds, Long seed,
                                String strategy) {
    }

    private final CoreHost host;
    private final ElectionMetrics metrics;

    public CoordinationController(CoordinationHost coordination, ElectionMetrics metrics) {
        this.host = coordination.host();
        this.metrics = metrics;
    }

    @PostMapping("/election")
    public ElectionResult election(@RequestBody(required = false) ElectionBody body) {
        String algorithm = body == null ? null : body.algorithm();
        if (algorithm == null || !CoordinationCore.ALGORITHMS.contains(algorithm)) {
            throw new ProblemException(400, "unknown-algorithm", "Unknown election algorithm",
                    "algorithm must be one of " + CoordinationCore.ALGORITHMS + ", was "
                            + (algorithm == null ? "missing" : "\"" + algorithm + "\""));
        }
        ElectionResult r = (ElectionResult) host.call(new RunElection(algorithm), TIMEOUT);
        metrics.record(r);
        return r;
    }

    @GetMapping("/leader")
    public LeaderView leader() {
        return host.read(core -> ((CoordinationCore) core).leaderView());
    }

    @PostMapping("/agreement")
    public AgreementResult agreement(@RequestBody(required = false) AgreementBody body) {
        if (body == null || body.values() == null) {
            throw ProblemException.badRequest("give {\"values\": {\"lock-1\": 1, \"lock-2\": 2, \"lock-3\": 3}, \"traitors\": [\"lock-3\"]}");
        }
        Map<String, String> values = new LinkedHashMap<>();
        body.values().forEach((general, v) -> {
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw ProblemException.badRequest("the value of general " + general + " must be a string or a number, was " + v);
            }
            values.put(general, String.valueOf(v));
        });
        AgreementResult r = (AgreementResult) host.call(
                new RunAgreement(values, body.traitors(), body.rounds(), body.seed(), body.strategy()), TIMEOUT);
        metrics.record(r);
        return r;
    }
}
