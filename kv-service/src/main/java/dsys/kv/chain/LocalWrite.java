package dsys.kv.chain;

import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.kv.chain.ChainMessages.MoveRequest;
import dsys.kv.chain.ChainMessages.WriteForward;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Primary-backup with local writes (本地写协议, notes §4.3.2.1): the primary role moves to the node where a write
 * happens, so that a node that writes often writes without a round trip to a remote primary. A replica with a
 * client's write asks the primary for the role and holds the write for a few attempts; the primary stops taking
 * writes, waits until every backup holds all it has (so the new primary holds as much as anyone), and proposes the
 * next view with the asker first — through the same agreement as a fail-over, so epochs order the primaries and a
 * crash half-way is just a fail-over. A primary keeps the role for a tenure (the suspicion time) before it hands it
 * on, so two writers do not pass it back and forth on every write; a write that was not made local by then goes to
 * the primary (remote write).
 */
final class LocalWrite {

    /** Attempts a write waits at its own node for the primary role; later attempts go to the primary. */
    static final int LOCAL_ATTEMPTS = 3;

    private final Env env;
    private final ChainTimings timings;
    private final ViewAgreement agreement;
    private final ChainLink link;
    private final ChainReplica replica;
    private final boolean on;
    private final BiConsumer<String, Message> send;
    private final String self;
    private View view;
    private long primarySince;
    private long askedAt;
    private String moveTo;
    private long moveSince;
    private boolean proposed;

    LocalWrite(Env env, ChainTimings timings, ViewAgreement agreement, ChainLink link, ChainReplica replica, boolean on,
               BiConsumer<String, Message> send) {
        this.env = env;
        this.timings = timings;
        this.agreement = agreement;
        this.link = link;
        this.replica = replica;
        this.on = on;
        this.send = send;
        this.self = env.self().value();
        this.askedAt = env.nanoTime() - timings.ms(timings.tickMs());
    }

    void entered(View v) {
        view = v;
        moveTo = null;
        proposed = false;
        if (v.head().equals(self)) primarySince = env.nanoTime();
    }

    boolean enabled() {
        return on;
    }

    /** Whether this write waits here for the primary role (local writes on, a member, among its first attempts). */
    boolean here(WriteForward w) {
        return on && view != null && view.has(self) && w.attempt() <= LOCAL_ATTEMPTS;
    }

    /** Asks the primary for the role (at most once a tick). */
    void ask() {
        long now = env.nanoTime();
        if (now - askedAt < timings.ms(timings.tickMs())) return;
        askedAt = now;
        send.accept(view.head(), new MoveRequest(view.epoch()));
    }

    /** The primary's side: a member asks for the role. */
    void onRequest(String from, MoveRequest r) {
        long now = env.nanoTime();
        if (!on || view == null || r.epoch() != view.epoch() || !view.head().equals(self) || !view.has(from)
                || from.equals(self) || agreement.sealed() || moveTo != null) return;
        if (now - primarySince < timings.ms(timings.suspectMs())) return; // its tenure: the asker goes remote
        moveTo = from;
        moveSince = now;
        env.emit("kv.pb.move", Map.of("epoch", view.epoch(), "from", self, "to", from));
    }

    /** The primary is handing its role on: it takes no new writes (their senders try again at the next primary). */
    boolean handingOver() {
        return moveTo != null;
    }

    void tick() {
        if (moveTo == null) return;
        if (!proposed && link.stable() >= replica.lastSeq()) {
            agreement.move(moveTo);
            proposed = true;
        }
        if (env.nanoTime() - moveSince > timings.ms(timings.proposeTimeoutMs())) {
            env.emit("kv.pb.move.abandoned", Map.of("epoch", view.epoch(), "to", moveTo));
            moveTo = null;
            proposed = false;
        }
    }
}
