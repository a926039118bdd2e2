package dsys.time.ntp;

import dsys.core.env.TimerId;
import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.core.SyncDone;

import java.util.Map;
import java.util.TreeMap;

/** One node's part of one NTP round: its exchanges with each server or peer, until it reports to the coordinator. */
final class NtpRound {

    /** The packets with one server or peer in this round. */
    static final class Exchange {
        final NodeId peer;
        int sent;
        int seq;
        boolean awaiting;
        boolean done;
        boolean answered;
        int lost;
        long lastXmt;
        TimerId timer;

        Exchange(NodeId peer) {
            this.peer = peer;
        }
    }

    NtpStart start;
    final Map<NodeId, Exchange> exchanges = new TreeMap<>();
    boolean finished;
    NodeId earlyFrom;
    NtpMessage early;
    TimerId timer;

    /** Reports to the coordinator; nothing of this round counts any more. */
    void done(NodeContext ctx, SyncDone d) {
        finished = true;
        exchanges.values().forEach(e -> ctx.cancel(e.timer));
        ctx.cancel(timer);
        ctx.send(start.coordinator(), d);
    }

    boolean allExchangesDone() {
        return exchanges.values().stream().allMatch(e -> e.done);
    }
}
