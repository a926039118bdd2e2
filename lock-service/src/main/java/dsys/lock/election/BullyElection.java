package dsys.lock.election;

import dsys.core.env.Env;
import dsys.core.env.TimerId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.election.BullyMessages.Coordinator;
import dsys.lock.election.BullyMessages.Ok;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The bully election (notes §7.1), in the variant whose costs the textbooks count: ELECTION goes to the higher ids
 * only (a lower one could never take over), the winner announces itself to the lower ids. With failures:
 * no OK within {@code answerTimeout} means no higher process is alive, so this node wins; an OK but no
 * COORDINATOR within {@code coordinatorTimeout} means the higher process died mid-election, so it starts again.
 * The highest id, when it leads, answers ELECTION with OK and re-announces itself to that node instead of
 * re-electing: it is evidently alive, and the epoch stays — unless the sender has seen a newer epoch. A leader
 * that is not the highest id holds an election like anyone else (a higher one may be back) but keeps its epoch
 * if it wins again.
 */
public final class BullyElection extends AbstractElection {

    private record AnswerTimeout(long attempt) {
    }

    private record CoordinatorTimeout(long attempt) {
    }

    private Duration answerTimeout = Duration.ofMillis(150);
    private Duration coordinatorTimeout = Duration.ofMillis(400);
    private String round;          // non-null while electing
    private boolean answered;      // got an OK: waiting for the coordinator
    private long attempt;          // tells stale timers apart
    private TimerId timer;

    /**
     * {@code onElected} runs whenever this node adopts a leadership: a new one, or the current one confirmed after
     * it was suspected (so it may see the same leadership twice).
     */
    public BullyElection(Env env, Consumer<Leadership> onElected) {
        super(env, "bully", onElected);
    }

    /** T (no OK: I win) and T' (OK but no coordinator: start again); T' must exceed T plus two message delays. */
    public BullyElection timeouts(Duration answer, Duration coordinator) {
        this.answerTimeout = answer;
        this.coordinatorTimeout = coordinator;
        return this;
    }

    @Override
    protected void begin(String r) {
        round = r;
        answered = false;
        attempt++;
        List<NodeId> higher = env.members().others(self).stream().filter(n -> Rank.outranks(n, self)).toList();
        env.emit("election.start", fields("round", r, "higher", higher.size()));
        if (higher.isEmpty()) {
            win();
            return;
        }
        for (NodeId n : higher) send(n, new BullyMessages.Election(r, maxEpoch()), r);
        timer = env.after(answerTimeout, new AnswerTimeout(attempt));
    }

    @Override
    protected String runningRound() {
        return round;
    }

    @Override
    protected void stopElection() {
        round = null;
        answered = false;
        attempt++;
        if (timer != null) env.cancel(timer);
        timer = null;
    }

    @Override
    protected boolean handlesOwn(Message m) {
        return m instanceof BullyMessages.Election || m instanceof Ok || m instanceof Coordinator;
    }

    @Override
    protected void onOwnMessage(NodeId from, Message m) {
        if (m instanceof BullyMessages.Election e) onElection(from, e);
        else if (m instanceof Ok ok) onOk(ok);
        else if (m instanceof Coordinator c) claim(from, c.leader(), c.epoch(), c.round(), true);
    }

    private void onElection(NodeId from, BullyMessages.Election e) {
        learn(e.maxEpoch());
        if (!Rank.outranks(self, from)) return; // only lower ids are bullied
        send(from, new Ok(e.round(), maxEpoch()), e.round());
        boolean top = env.members().others(self).stream().noneMatch(n -> Rank.outranks(n, self));
        if (top && leading() && round == null && e.maxEpoch() <= current().epoch()) {
            send(from, new Coordinator(e.round(), self, current().epoch()), e.round());
            return;
        }
        startWith(e.round());
    }

    private void onOk(Ok ok) {
        learn(ok.maxEpoch());
        if (round == null || answered) return;
        answered = true;
        env.emit("election.answered", fields("round", round));
        env.cancel(timer);
        timer = env.after(coordinatorTimeout, new CoordinatorTimeout(attempt));
    }

    @Override
    protected boolean handlesOwnTimer(Object t) {
        return t instanceof AnswerTimeout || t instanceof CoordinatorTimeout;
    }

    @Override
    protected void onOwnTimer(Object t) {
        if (t instanceof AnswerTimeout a && a.attempt() == attempt && round != null && !answered) {
            env.emit("election.timeout", fields("round", round, "waited", "ok"));
            win();
        } else if (t instanceof CoordinatorTimeout c && c.attempt() == attempt && round != null && answered) {
            env.emit("election.timeout", fields("round", round, "waited", "coordinator"));
            String r = round;
            round = null;
            begin(r);
        }
    }

    /**
     * Nobody higher answered: this node leads; it tells the lower ids (a live higher one would have answered).
     * A leader that held an election (someone suspected it) and has seen no newer epoch keeps its epoch.
     */
    private void win() {
        String r = round;
        boolean keep = leading() && maxEpoch() == current().epoch();
        long epoch = keep ? current().epoch() : declareEpoch();
        env.emit(keep ? "election.confirmed" : "election.elected", fields("leader", self.value(), "epoch", epoch, "round", r));
        adopt(self, epoch, r);
        for (NodeId n : env.members().others(self)) {
            if (Rank.outranks(self, n)) send(n, new Coordinator(r, self, epoch), r);
        }
    }
}
