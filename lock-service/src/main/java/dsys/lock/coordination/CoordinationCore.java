package dsys.lock.coordination;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.byzantine.AgreementOutcome;
import dsys.lock.byzantine.ByzantineAgreement;
import dsys.lock.coordination.CoordinationMessages.AgreementBegin;
import dsys.lock.coordination.CoordinationMessages.AgreementDone;
import dsys.lock.coordination.CoordinationMessages.AgreementReport;
import dsys.lock.coordination.CoordinationMessages.TallyQuery;
import dsys.lock.coordination.CoordinationMessages.TallyReply;
import dsys.lock.coordination.CoordinationRequests.RunAgreement;
import dsys.lock.coordination.CoordinationRequests.RunElection;
import dsys.lock.coordination.CoordinationResults.AgreementResult;
import dsys.lock.coordination.CoordinationResults.Leader;
import dsys.lock.coordination.CoordinationResults.LeaderView;
import dsys.lock.election.AbstractElection;
import dsys.lock.election.BullyElection;
import dsys.lock.election.RingElection;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The coordination group (one per lock node): a bully and a ring election side by side, each watching its leader
 * with heartbeats, and Byzantine agreement. Elections here are the REST API's (the mutex core embeds its own).
 * Agreement runs with the lock nodes as generals when the request names exactly the group's members, else it
 * is simulated in lock-step inside the request.
 */
public final class CoordinationCore implements Core {

    public static final String GROUP = "coordination";
    public static final List<String> ALGORITHMS = List.of("bully", "ring");

    private final Env env;
    private final CoordinationSettings settings;
    private final Map<String, AbstractElection> elections = new LinkedHashMap<>();
    private final ElectionRuns runs;
    private final LiveAgreement live;
    private String lastAlgorithm = "bully";
    private volatile CoordinationSnapshot snapshot;

    public CoordinationCore(Env env, CoordinationSettings settings) {
        this.env = env;
        this.settings = settings;
        elections.put("bully", new BullyElection(env, l -> { }).timeouts(settings.bullyAnswer(), settings.bullyCoordinator()));
        elections.put("ring", new RingElection(env, l -> { }).timeouts(settings.ringAck(), settings.ringTries()));
        this.runs = new ElectionRuns(env, settings);
        this.live = new LiveAgreement(env, settings);
        publish();
    }

    @Override
    public void onStart() {
        // No election at start: without a leader heartbeat the detector starts one after heartbeatTimeout, by
        // which time the peers of a freshly started cluster are usually up.
        if (settings.heartbeatInterval() != null) {
            for (AbstractElection e : elections.values()) e.monitorLeader(settings.heartbeatInterval(), settings.heartbeatTimeout());
        }
    }

    @Override
    public void onRecover() {
        onStart();
        for (AbstractElection e : elections.values()) e.start(); // bully's rule: who comes back holds an election
        publish();
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if (body instanceof RunElection r) {
            AbstractElection e = r.algorithm() == null ? null : elections.get(r.algorithm());
            if (e == null) {
                env.reply(request, new Rejection(400, "unknown-algorithm", "Unknown election algorithm",
                        "algorithm must be one of " + ALGORITHMS + ", was " + (r.algorithm() == null ? "missing" : "\"" + r.algorithm() + "\"")));
                return;
            }
            lastAlgorithm = r.algorithm();
            runs.start(request, e);
        } else if (body instanceof RunAgreement a) {
            agreement(request, a);
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + (body == null ? "null" : body.getClass().getSimpleName())));
        }
        publish();
    }

    private void agreement(RequestId request, RunAgreement a) {
        Object checked = AgreementInput.check(a, env.random().nextLong() >>> 1);
        if (checked instanceof Rejection r) {
            env.reply(request, r);
            return;
        }
        AgreementInput in = (AgreementInput) checked;
        Set<String> members = env.members().nodes().stream().map(NodeId::value).collect(Collectors.toSet());
        if (members.equals(Set.copyOf(in.generals()))) {
            live.start(request, in);
            return;
        }
        AgreementOutcome o = ByzantineAgreement.run(in.generals(), in.values(), in.traitors(), in.rounds(), in.liar(),
                (kind, fields) -> {
                    Map<String, Object> f = new HashMap<>(fields);
                    f.put("mode", "simulated");
                    env.emit(kind, f);
                });
        env.reply(request, AgreementResult.of("simulated", o, in.seed(), in.strategy(), List.of()));
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        for (AbstractElection e : elections.values()) {
            if (e.handles(m)) {
                e.onMessage(from, m);
                after();
                return;
            }
        }
        if (m instanceof TallyQuery q) runs.onQuery(from, q, elections.get(q.algorithm()));
        else if (m instanceof TallyReply r) runs.onReply(from, r);
        else if (m instanceof AgreementBegin b) live.onBegin(from, b);
        else if (m instanceof AgreementReport r) live.onReport(r);
        else if (m instanceof AgreementDone d) live.onDone(d);
        after();
    }

    @Override
    public void onTimer(Object timer) {
        for (AbstractElection e : elections.values()) {
            if (e.handlesTimer(timer)) {
                e.onTimer(timer);
                after();
                return;
            }
        }
        runs.onTimer(timer);
        live.onTimer(timer);
        after();
    }

    private void after() {
        runs.poll();
        publish();
    }

    /** For GET /api/coordination/leader (run in the node's serial section). */
    public LeaderView leaderView() {
        Map<String, Leader> by = new LinkedHashMap<>();
        elections.forEach((name, e) -> by.put(name, new Leader(e.leader().map(NodeId::value).orElse(null), e.epoch(),
                e.inProgress(), e.maxEpoch())));
        Leader last = by.get(lastAlgorithm);
        return new LeaderView(env.self().value(), lastAlgorithm, last.leader(), last.epoch(), by);
    }

    /** A copy of the counters for metrics, readable from any thread. */
    public CoordinationSnapshot snapshot() {
        return snapshot;
    }

    public AbstractElection election(String algorithm) {
        return elections.get(algorithm);
    }

    private void publish() {
        Map<String, CoordinationSnapshot.PerAlgorithm> by = new TreeMap<>();
        elections.forEach((name, e) -> by.put(name, new CoordinationSnapshot.PerAlgorithm(
                e.leader().map(NodeId::index).orElse(-1), e.epoch(), e.elections(), e.messagesSent())));
        snapshot = new CoordinationSnapshot(by);
    }
}
