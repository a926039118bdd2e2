package dsys.lock.node;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.gather.Gather;
import dsys.core.gather.Gathers;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.lease.HoldInfo;
import dsys.lock.node.LockReplies.LockView;
import dsys.lock.node.LockReplies.Waiting;
import dsys.lock.node.NodeMessages.LockQuery;
import dsys.lock.node.NodeMessages.LockReport;
import dsys.lock.node.NodeMessages.StatsQuery;
import dsys.lock.node.NodeMessages.StatsReport;
import dsys.lock.quorum.EpochInfo;
import dsys.lock.stats.Counters;
import dsys.lock.stats.Counting;
import dsys.lock.stats.StatsView;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What no single node knows: a lock's holder and queue, and the statistics of the whole cluster, gathered from
 * every node (each answers once; what came by the timeout is what is shown).
 */
final class ClusterView {

    private final Env env;
    private final LockNodeCore node;
    private final Gathers gathers;
    private final Gathers.Patience patience;

    ClusterView(Env env, LockNodeCore node, Gathers gathers, Gathers.Patience patience) {
        this.env = env;
        this.node = node;
        this.gathers = gathers;
        this.patience = patience;
    }

    // ---- a lock's state -----------------------------------------------------------------------------------------

    void inspect(RequestId request, String name) {
        Rejection bad = Validation.lockName(name);
        if (bad != null) {
            env.reply(request, bad);
            return;
        }
        gathers.ask(env.members().nodes(), qid -> new LockQuery(qid, name), localReport(null, name), patience,
                g -> env.reply(request, view(name, g)));
    }

    private LockReport localReport(String qid, String name) {
        List<HoldInfo> holds = node.holds().get(name).map(h -> List.of(HoldInfo.of(h, env.nanoTime()))).orElse(List.of());
        List<Waiting> waiting = node.waiters().of(name).stream().map(w -> new Waiting(w.owner(), env.self().value())).toList();
        List<String> queue = node.algorithm().flatMap(a -> a.queue(name)).orElse(null);
        return new LockReport(qid, holds, waiting, queue);
    }

    private LockView view(String name, Gather<LockReport> g) {
        HoldInfo holder = null;
        List<Waiting> waiting = new ArrayList<>();
        List<String> coordinatorQueue = null;
        for (LockReport r : g.replies().values()) {
            for (HoldInfo h : r.holds()) if (holder == null || h.token() > holder.token()) holder = h;
            waiting.addAll(r.waiting());
            if (r.coordinatorQueue() != null) coordinatorQueue = r.coordinatorQueue();
        }
        if (coordinatorQueue != null) {
            // the coordinator's FIFO is the real order; keep its order, name each entry's node when we know it
            List<Waiting> ordered = new ArrayList<>();
            for (String key : coordinatorQueue) ordered.add(new Waiting(key.substring(key.indexOf('|') + 1),
                    key.substring(0, key.indexOf('#'))));
            waiting = ordered;
        }
        EpochInfo e = node.epoch();
        if (holder == null) return new LockView(name, null, null, null, null, waiting, e.algorithm(), e.number());
        String holderNode = node.nodeByIndex(holder.node()).map(NodeId::value).orElse(null);
        return new LockView(name, holder.owner(), holder.token(), node.clockMs(holder.remainingMs() * 1_000_000L),
                holderNode, waiting, e.algorithm(), e.number());
    }

    // ---- statistics ---------------------------------------------------------------------------------------------

    void stats(RequestId request) {
        gathers.ask(env.members().nodes(), StatsQuery::new, localStats(null), patience,
                g -> env.reply(request, statsView(g)));
    }

    private StatsReport localStats(String qid) {
        return new StatsReport(qid, node.stats().snapshot(), node.stats().backgroundMessages(), node.stats().counting());
    }

    private StatsView statsView(Gather<StatsReport> g) {
        Map<String, Counters> sum = new TreeMap<>();
        Map<String, Counting> counting = new TreeMap<>();
        long background = 0;
        for (var e : g.replies().entrySet()) {
            e.getValue().counters().forEach((k, v) -> sum.merge(k, v, Counters::plus));
            background += e.getValue().background();
            counting.put(e.getKey().value(), e.getValue().counting());
        }
        return StatsView.of(sum, env.members().size(), counting, background, node.algorithmName());
    }

    // ---- messages -----------------------------------------------------------------------------------------------

    boolean handles(Message m) {
        return m instanceof LockQuery || m instanceof LockReport || m instanceof StatsQuery || m instanceof StatsReport;
    }

    void onMessage(NodeId from, Message m) {
        if (m instanceof LockQuery q) node.transmit(from, localReport(q.qid(), q.name()));
        else if (m instanceof StatsQuery q) node.transmit(from, localStats(q.qid()));
        else if (m instanceof LockReport r) gathers.accept(r.qid(), from, r);
        else if (m instanceof StatsReport s) gathers.accept(s.qid(), from, s);
    }
}
