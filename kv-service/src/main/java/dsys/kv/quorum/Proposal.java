package dsys.kv.quorum;

import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.quorum.QuorumMessages.Accept;
import dsys.kv.quorum.QuorumMessages.Accepted;
import dsys.kv.quorum.QuorumMessages.Prepare;
import dsys.kv.quorum.QuorumMessages.Promise;

import java.util.List;
import java.util.Map;

/**
 * A CASPaxos round on one key's register: prepare(b) gathers promises worth V_r votes and the highest accepted
 * content; the change is applied to it (a put or delete under its If-Match, or the identity); accept(b, content)
 * gathers V_w votes; then the content is chosen and a commit tells every replica so. A refusal (a higher ballot
 * elsewhere) starts a new round after a random backoff. A new round never applies the change twice: the
 * register's recent writes tell whether an earlier round of this operation is in the chain (then it confirms
 * that one), and if not, the change is applied afresh and the earlier rounds die once the new one is chosen.
 * Only when more writes overtook it than the register remembers is the outcome unknown.
 */
final class Proposal extends Operation {

    private enum Phase { PREPARE, ACCEPT, BACKOFF }

    private enum Answer { WRITTEN, VALUE, PRECONDITION_FAILED, LOCKED, UNCHANGED, NONE }

    private final Change change;
    private Phase phase;
    private Ballot ballot;
    private Ballot highestSeen = Ballot.ZERO;
    private Gather<Promise> promises;
    private Gather<Accepted> accepts;
    private Versioned proposed;
    private Versioned found;
    /** The accepted ballot {@link #found} was read at: the link in the register's chain this round builds on. */
    private Ballot foundAt = Ballot.ZERO;
    /** What the change is judged on and applied to: {@link #found} after the release the change carries, if any. */
    private Versioned judged;
    private Answer answer;
    private Ballot written;
    /** The ballot of this operation's first round that sent its new content: from then on, failing is "unknown". */
    private Ballot firstAttempt;
    /** Whether this round went to phase 2 on a lease (counted when refused: the fallback is then exercised). */
    private boolean fast;
    /** The ballot the accepts of this round also ask to be promised (ZERO: none). */
    private Ballot next = Ballot.ZERO;

    Proposal(QuorumCoordinator co, String id, RequestId request, String key, long deadlineNanos, Change change) {
        super(co, id, request, key, deadlineNanos);
        this.change = change;
    }

    @Override
    String label() {
        return change.kind() == Change.Kind.READ ? "read-linearizable" : change.label();
    }

    @Override
    void start() {
        QuorumCoordinator.Lease lease = co.takeLease(key);
        if (lease != null && change.writes() && change.holds(change.base(co.localState(key).content(), lease.next(), id))) {
            fastRound(lease);
        } else {
            round(); // reads and failed preconditions are decided on states a quorum reports, never on a lease
        }
    }

    /**
     * Phase 2 alone at the leased ballot: the promises were given with the accepts of this node's last write, so
     * the state that write chose is the newest one and only this round can follow it. A refusal (someone
     * prepared higher) backs off into full rounds, which find this attempt in the chain if it was chosen.
     */
    private void fastRound(QuorumCoordinator.Lease lease) {
        ballot = lease.next();
        found = co.localState(key).content();
        foundAt = lease.chosen();
        judged = change.base(found, ballot, id);
        proposed = change.apply(judged, ballot, id);
        written = ballot;
        answer = Answer.WRITTEN;
        firstAttempt = ballot;
        fast = true;
        co.stats().count("fast-path");
        accept();
    }

    private void round() {
        ballot = co.nextBallot(key, highestSeen);
        phase = Phase.PREPARE;
        promises = new Gather<>();
        co.sendToReplicas(this, new Prepare(id, key, ballot)); // all: a promise everywhere also voids stale leases
    }

    @Override
    void onReply(NodeId from, Message m) {
        if (m instanceof Promise p && phase == Phase.PREPARE && p.ballot().equals(ballot)) {
            if (!promises.add(from, p, p.ok())) return;
            if (!p.ok()) refusedBy(p.promised(), promises.refused().keySet(), co.config().readQuorum());
            else if (co.quorum().isReadQuorum(promises.agreed().keySet())) decide();
        } else if (m instanceof Accepted a && phase == Phase.ACCEPT && a.ballot().equals(ballot)) {
            if (!accepts.add(from, a, a.ok())) return;
            if (!a.ok()) refusedBy(a.promised(), accepts.refused().keySet(), co.config().writeQuorum());
            else if (co.quorum().isWriteQuorum(accepts.agreed().keySet())) chosen();
        }
    }

    /** A higher promise exists; give up this round at once if the quorum is out of reach, else at the next tick. */
    private void refusedBy(Ballot promised, java.util.Set<NodeId> refused, int needed) {
        highestSeen = Ballot.max(highestSeen, promised);
        if (!co.quorum().stillPossible(refused, needed)) backOff();
    }

    private void backOff() {
        co.emit("kv.retry", Map.of("key", key, "op", id, "ballot", ballot.toString(), "phase", phase.name().toLowerCase(),
                "higher", highestSeen.toString()));
        phase = Phase.BACKOFF;
        if (fast) co.stats().count("fast-path.refused");
        fast = false;
        co.armBackoff(this);
    }

    @Override
    void onBackoffEnd() {
        if (phase == Phase.BACKOFF) round();
    }

    @Override
    void onRetry() {
        if (phase == Phase.PREPARE) {
            if (!promises.refused().isEmpty()) backOff();
            else for (NodeId n : promises.missing(co.replicas())) co.send(this, n, new Prepare(id, key, ballot));
        } else if (phase == Phase.ACCEPT) {
            if (!accepts.refused().isEmpty()) backOff();
            else for (NodeId n : accepts.missing(co.replicas())) co.send(this, n, new Accept(id, key, ballot, proposed, next));
        }
    }

    /** A read quorum promised: take the newest content it accepted and apply the change to it. */
    private void decide() {
        co.gathered(this, "prepare", ballot, co.quorum().votes(promises.agreed().keySet()), co.config().readQuorum());
        Promise newest = null;
        for (Promise p : promises.agreed().values()) {
            if (newest == null || p.accepted().isAfter(newest.accepted())) newest = p;
        }
        found = newest.content();
        foundAt = newest.accepted();
        boolean alreadyChosen = newest.accepted().zero() || isChosen(newest.accepted());
        Versioned.Write ours = found.writeOf(id);
        judged = ours != null ? found : change.base(found, ballot, id);
        if (ours != null) {
            proposed = found;           // an earlier round of ours is in what we found: make that chosen
            written = ours.version();
            answer = Answer.WRITTEN;
        } else if (firstAttempt != null && !found.recentSince(firstAttempt)) {
            co.finish(this, KvReplies.outcomeUnknown(key, "more than " + Versioned.RECENT + " writes overtook this "
                    + "one's retries; it may or may not have taken effect before them"));
            return;
        } else if (change.writes() && change.holds(judged)) {
            proposed = change.apply(judged, ballot, id);
            written = ballot;
            answer = Answer.WRITTEN;
            if (firstAttempt == null) firstAttempt = ballot;
        } else {
            proposed = judged; // found itself, unless the release the change carries still goes
            if (change.blockedBy(judged)) answer = Answer.LOCKED;
            else if (change.kind() == Change.Kind.RELEASE) answer = Answer.UNCHANGED; // released already: nothing to do
            else answer = change.writes() ? Answer.PRECONDITION_FAILED : change.kind() == Change.Kind.READ ? Answer.VALUE : Answer.NONE;
        }
        // Known chosen already, and no earlier attempt of ours left to outrun: answer without phase 2. Not a release
        // that found no lock: a lock accepted by a replica outside this read quorum (its request's outcome unknown)
        // could be chosen later by any round that reads it, after its release was confirmed; this round's phase 2 at
        // a higher ballot makes sure it never is.
        if (alreadyChosen && proposed == found && answer != Answer.NONE && answer != Answer.UNCHANGED
                && (firstAttempt == null || ours != null)) {
            co.finish(this, result());
            return;
        }
        accept();
    }

    private void accept() {
        phase = Phase.ACCEPT;
        accepts = new Gather<>();
        next = co.nextPromise(key, ballot);
        co.sendAccepts(this, new Accept(id, key, ballot, proposed, next));
        co.crashPoint(QuorumStore.CRASH_AFTER_ACCEPT_SENT);
    }

    private boolean isChosen(Ballot accepted) {
        List<NodeId> holders = promises.agreed().entrySet().stream()
                .filter(e -> e.getValue().accepted().equals(accepted)).map(Map.Entry::getKey).toList();
        return promises.agreed().values().stream().anyMatch(p -> p.accepted().equals(accepted) && p.committed())
                || co.quorum().isWriteQuorum(holders);
    }

    private void chosen() {
        co.gathered(this, "accept", ballot, co.quorum().votes(accepts.agreed().keySet()), co.config().writeQuorum());
        // "after": the accepted ballot this round built on, so a chain of chosen versions can be followed key by key
        co.emit("kv.version.chosen", Map.of("key", key, "op", id, "ballot", ballot.toString(),
                "version", proposed.version().toString(), "change", change.label(), "after", foundAt.toString(),
                "lock", proposed.lock() == null ? "" : proposed.lock().kind() + ":" + String.join(",", proposed.lock().holders())));
        if (answer == Answer.WRITTEN && proposed.tombstone() && proposed.version().equals(written)) {
            co.emit("kv.tombstone", Map.of("key", key, "version", written.toString()));
        }
        co.crashPoint(QuorumStore.CRASH_BEFORE_COMMIT);
        List<NodeId> promisedNext = accepts.agreed().entrySet().stream()
                .filter(e -> !next.zero() && e.getValue().promised().equals(next)).map(Map.Entry::getKey).toList();
        if (co.quorum().isReadQuorum(promisedNext)) co.lease(key, ballot, next);
        co.chosen(key, proposed);
        co.announce(this, ballot, proposed);
        co.finish(this, result());
    }

    private Object result() {
        return switch (answer) {
            // a lock, or a release that drops it, leaves the version as it was; a committed intent makes a new one
            // a read lock answers what it read: the transaction's get, held still until the transaction ends
            case WRITTEN -> readLock() ? new KvReplies.Value(key, judged.value(), judged.version(), "txn-lock", messageCounts())
                    : new KvReplies.Written(key, proposed.version().equals(written) || !locking() ? written : proposed.version(),
                    proposed.tombstone() && proposed.version().equals(written), messageCounts());
            case UNCHANGED -> new KvReplies.Written(key, judged.version(), judged.tombstone(), messageCounts());
            case LOCKED -> KvReplies.locked(key, judged.lock());
            case VALUE -> new KvReplies.Value(key, judged.value(), judged.version(), ReadLevel.LINEARIZABLE.label(),
                    messageCounts());
            case PRECONDITION_FAILED -> change.holdsVersion(judged) && change.refusal(judged) != null
                    ? KvReplies.refused(key, change.refusal(judged)) : KvReplies.preconditionFailed(key, change.ifMatch(), judged);
            case NONE -> null;
        };
    }

    private boolean readLock() {
        return change.kind() == Change.Kind.LOCK && change.lock().kind() == 'g';
    }

    private boolean locking() {
        return change.kind() == Change.Kind.LOCK || change.kind() == Change.Kind.RELEASE;
    }

    @Override
    Object timedOut() {
        return firstAttempt != null
                ? KvReplies.outcomeUnknown(key, "no write quorum confirmed it within " + co.settings().deadlineMs() + " ms")
                : KvReplies.unavailable(key, "no " + (phase == Phase.ACCEPT ? "write" : "read") + " quorum answered within "
                        + co.settings().deadlineMs() + " ms; nothing was written");
    }
}
