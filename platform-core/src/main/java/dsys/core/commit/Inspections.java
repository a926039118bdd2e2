package dsys.core.commit;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.node.NodeId;
import dsys.core.commit.CommitMessages.ViewReply;
import dsys.core.commit.CommitMessages.ViewRequest;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The coordinator's answers to {@code Inspect}: its own state and log, plus what each participant has logged and
 * holds locked, asked with a side-effect-free {@link ViewRequest}. Answers when every participant replied, or after
 * {@code wait} with the silent ones as unreachable (a crashed or partitioned participant is what a user inspects for).
 */
final class Inspections {

    /** The timer that ends a wait for participants' replies. */
    record Deadline(long view) {
    }

    private record Pending(RequestId client, String txn, CommitCoordinator.View coordinator, Map<String, CommitCoordinator.ParticipantView> replies) {
    }

    private final Env env;
    private final Duration wait;
    private final Map<Long, Pending> pending = new HashMap<>();
    private long next;

    Inspections(Env env, Duration wait) {
        this.env = env;
        this.wait = wait;
    }

    void start(RequestId client, CommitCoordinator.View view) {
        long id = ++next;
        pending.put(id, new Pending(client, view.txn(), view, new TreeMap<>()));
        for (String p : view.participants()) env.send(NodeId.of(p), new ViewRequest(view.txn(), id));
        env.after(wait, new Deadline(id));
    }

    void onReply(NodeId from, ViewReply r) {
        Pending p = pending.get(r.view());
        if (p == null || !p.coordinator().participants().contains(from.value())) return;
        String state = r.record() == null ? "none" : TxnRecord.decode(r.record()).state().name();
        p.replies().put(from.value(), new CommitCoordinator.ParticipantView(state, r.record(), List.copyOf(r.locked())));
        if (p.replies().keySet().containsAll(p.coordinator().participants())) finish(r.view());
    }

    void onDeadline(Deadline d) {
        if (pending.containsKey(d.view())) finish(d.view());
    }

    private void finish(long id) {
        Pending p = pending.remove(id);
        Map<String, CommitCoordinator.ParticipantView> all = new TreeMap<>();
        for (String q : p.coordinator().participants()) all.put(q, p.replies().getOrDefault(q, CommitCoordinator.ParticipantView.UNREACHABLE));
        env.reply(p.client(), p.coordinator().withParticipants(all));
    }

    /** A participant's answer to a {@link ViewRequest}: its record and the keys it holds for the transaction. */
    static ViewReply reply(ViewRequest v, String record, Map<String, String> locks) {
        return new ViewReply(v.txn(), v.view(), record, locks.entrySet().stream()
                .filter(e -> v.txn().equals(e.getValue())).map(Map.Entry::getKey).sorted().toList());
    }

}
