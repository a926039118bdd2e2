package dsys.core.rpc;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.core.gather.Gather;
import dsys.core.gather.Gathers;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.core.rpc.RpcMessages.Accepted;
import dsys.core.rpc.RpcMessages.EpochAck;
import dsys.core.rpc.RpcMessages.Kill;
import dsys.core.rpc.RpcMessages.KillAck;
import dsys.core.rpc.RpcMessages.Killed;
import dsys.core.rpc.RpcMessages.Locate;
import dsys.core.rpc.RpcMessages.Located;
import dsys.core.rpc.RpcMessages.NewEpoch;
import dsys.core.rpc.RpcMessages.Renew;
import dsys.core.rpc.RpcMessages.Reply;
import dsys.core.rpc.RpcMessages.Request;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The server stub and its procedure: a transfer that adds an amount to an account kept in durable storage, either
 * at once or as a remote computation of several steps (one per {@link RpcConfig#tick()}) that applies its effect at
 * the last one. Computations are volatile: a server crash ends them without their effect, and the client's retry
 * starts the call again. What survives a crash is on disk: the accounts, the at-most-once table of executed ids
 * and their replies (put in the same step as the effect, so both or neither survive), the ids extermination killed
 * and the newest epoch each client announced.
 * <p>At-most-once's table forgets the ids of calls its client has ended: each request carries the number below which
 * all of that epoch's calls have ended, and a late copy of one of those is ignored (it ran, or never will). Ids of an
 * epoch the client left by rebooting stay (a late copy must still find its first reply), as do killed ids and epochs.
 */
public final class RpcServer implements Core {

    /** Crash points: the notes' server crash before executing and after executing (before the reply leaves). */
    public static final String BEFORE_EXECUTE = "before-execute", AFTER_EXECUTE = "after-execute";

    static final String ACCOUNT = "rpc.s.account.", DONE = "rpc.s.done.", KILLED = "rpc.s.killed.", EPOCH = "rpc.s.epoch.",
            FLOOR = "rpc.s.floor.";

    private record Tick(long computation) {
    }

    /** A remote computation on behalf of {@code owner}; {@code deadline} is the end of its quantum (expiration). */
    private static final class Computation {
        final long number;
        final NodeId owner;
        final Request request;
        int stepsLeft;
        long deadline;
        TimerId timer;

        Computation(long number, NodeId owner, Request request, long deadline) {
            this.number = number;
            this.owner = owner;
            this.request = request;
            this.stepsLeft = request.work();
            this.deadline = deadline;
        }
    }

    /** A running computation, for views and tests. */
    public record View(String id, String owner, long epoch, String account, long amount, int stepsLeft) {
    }

    private final Env env;
    private final RpcConfig config;
    private final Gathers gathers;
    /** Running computations in start order (iterated: an ordered map keeps runs deterministic). */
    private final Map<Long, Computation> running = new LinkedHashMap<>();
    private long started;

    /**
     * The server stub a live platform runs for {@code remedy}: its core group is {@link OrphanRemedy#group()} and its
     * keys live under that name in the node's store, beside the other remedies' stubs.
     */
    public static RpcServer live(Env env, OrphanRemedy remedy) {
        return new RpcServer(new dsys.core.env.ScopedEnv(env, remedy.group() + "/"), RpcConfig.live(remedy));
    }

    public RpcServer(Env env, RpcConfig config) {
        this.env = env;
        this.config = config;
        this.gathers = new Gathers(env, env::send, env::nanoTime);
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        env.reply(request, Rejection.badRequest("an RPC server takes calls as messages from clients, not "
                + body.getClass().getSimpleName()));
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (m instanceof Request r) onCall(from, r);
        else if (m instanceof Renew r) onRenew(from, r);
        else if (m instanceof Kill k) onKill(from, k);
        else if (m instanceof NewEpoch e) onNewEpoch(from, e);
        else if (m instanceof Located l) gathers.accept(l.gather(), from, l.wanted());
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof Tick t) step(t.computation());
        else gathers.onTimer(timer);
    }

    private void onCall(NodeId from, Request r) {
        if (env.storage().get(KILLED + r.id()).isPresent()) { // exterminated before this copy arrived
            refuse(from, r, "exterminated");
            return;
        }
        long announced = announcedEpoch(from);
        if (r.epoch() < announced) { // its client rebooted since: nobody waits for this call any more
            refuse(from, r, "epoch " + r.epoch() + " is over (client is in epoch " + announced + ")");
            return;
        }
        if (config.semantics() == CallSemantics.AT_MOST_ONCE) {
            CallNumber n = CallNumber.of(from, r.id());
            if (n != null) {
                long[] known = floor(from);
                if (ended(from, n, known)) { // a late copy of a call its client has ended: its id is forgotten
                    env.emit("rpc.duplicate.suppressed", Map.of("id", r.id(), "client", from.value(), "answer", "none: the call ended"));
                    return;
                }
                forgetBelow(from, n.epoch(), r.floor(), known);
            }
            var done = env.storage().get(DONE + r.id());
            if (done.isPresent()) { // a retry of an executed call: the first reply, not a second effect
                env.emit("rpc.duplicate.suppressed", Map.of("id", r.id(), "client", from.value(), "answer", "first reply"));
                env.send(from, new Reply(r.id(), Long.parseLong(done.get())));
                return;
            }
            if (find(from, r.id()) != null) {
                env.emit("rpc.duplicate.suppressed", Map.of("id", r.id(), "client", from.value(), "answer", "still running"));
                env.send(from, new Accepted(r.id()));
                return;
            }
        }
        if (r.amount() != 0 && env.storage().get(ACCOUNT + r.account()).isEmpty() && accounts() >= MAX_ACCOUNTS) {
            refuse(from, r, "this server holds " + MAX_ACCOUNTS + " accounts, its limit: use one of them");
            return;
        }
        Computation c = new Computation(++started, from, r, env.nanoTime() + config.quantum().toNanos());
        env.emit("rpc.computation.started", Map.of("id", r.id(), "client", from.value(), "epoch", r.epoch(),
                "account", r.account(), "amount", r.amount(), "work", r.work()));
        if (r.work() == 0) {
            execute(c);
            return;
        }
        running.put(c.number, c);
        c.timer = env.after(config.tick(), new Tick(c.number));
        env.send(from, new Accepted(r.id()));
    }

    private void refuse(NodeId from, Request r, String reason) {
        env.emit("rpc.request.refused", Map.of("id", r.id(), "client", from.value(), "reason", reason));
        env.send(from, new Killed(r.id(), reason));
    }

    /** One step of a long computation; at the last one its effect. A computation past its quantum dies first. */
    private void step(long number) {
        Computation c = running.get(number);
        if (c == null) return; // killed meanwhile
        if (config.remedy() == OrphanRemedy.EXPIRATION && env.nanoTime() > c.deadline) {
            kill(c, "quantum expired");
            return;
        }
        if (--c.stepsLeft > 0) {
            c.timer = env.after(config.tick(), new Tick(number));
            return;
        }
        running.remove(number);
        execute(c);
    }

    private void execute(Computation c) {
        Request r = c.request;
        env.crashPoint(BEFORE_EXECUTE);
        var held = env.storage().get(ACCOUNT + r.account());
        long balance = held.map(Long::parseLong).orElse(0L) + r.amount();
        if (held.isPresent() || r.amount() != 0) { // a read of an account nobody paid into opens none
            env.storage().put(ACCOUNT + r.account(), Long.toString(balance));
            if (held.isEmpty() && accounts >= 0) accounts++;
        }
        // The dedupe entry goes in the same step as the effect: a crash keeps both or neither.
        if (config.semantics() == CallSemantics.AT_MOST_ONCE) {
            env.storage().put(DONE + r.id(), Long.toString(balance));
            CallNumber n = CallNumber.of(c.owner, r.id());
            if (n != null) executed(c.owner, n.epoch()).add(n.seq());
        }
        env.crashPoint(AFTER_EXECUTE);
        env.emit("rpc.executed", Map.of("id", r.id(), "client", c.owner.value(), "account", r.account(),
                "amount", r.amount(), "balance", balance));
        env.send(c.owner, new Reply(r.id(), balance));
    }

    private void kill(Computation c, String reason) {
        running.remove(c.number);
        env.cancel(c.timer);
        env.emit("rpc.orphan.killed", Map.of("id", c.request.id(), "client", c.owner.value(), "epoch", c.request.epoch(),
                "account", c.request.account(), "reason", reason, "stepsLeft", c.stepsLeft));
        env.send(c.owner, new Killed(c.request.id(), reason));
    }

    /**
     * Accounts a server keeps at most: a call that would open one more is refused (killed before it runs). Calls name
     * accounts freely, and each stays on disk for good; this keeps a server's storage bounded.
     */
    static final int MAX_ACCOUNTS = 10_000;

    /** Accounts on disk; -1 until first counted. */
    private long accounts = -1;

    private long accounts() {
        if (accounts < 0) accounts = env.storage().scan(ACCOUNT).size();
        return accounts;
    }

    // ---------------------------------------------------------------- at-most-once's table, kept small

    /** A call id of the form {@code <client>/<epoch>.<n>}, as a client stub numbers its calls. */
    private record CallNumber(long epoch, long seq) {
        static CallNumber of(NodeId client, String id) {
            String head = client.value() + "/";
            if (!id.startsWith(head)) return null;
            int dot = id.indexOf('.', head.length());
            try {
                return dot < 0 ? null : new CallNumber(Long.parseLong(id.substring(head.length(), dot)), Long.parseLong(id.substring(dot + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /** Executed call numbers per client and epoch whose ids are in the table (read from disk when first needed). */
    private final Map<String, TreeSet<Long>> executed = new java.util.HashMap<>();

    private TreeSet<Long> executed(NodeId client, long epoch) {
        return executed.computeIfAbsent(client.value() + "/" + epoch, k -> {
            TreeSet<Long> seqs = new TreeSet<>();
            for (String key : env.storage().scan(DONE + k + ".").keySet()) {
                CallNumber n = CallNumber.of(client, key.substring(DONE.length()));
                if (n != null && n.epoch() == epoch) seqs.add(n.seq());
            }
            return seqs;
        });
    }

    /** The client said every call of {@code epoch} below {@code floor} has ended: their ids leave the table. */
    private void forgetBelow(NodeId client, long epoch, long floor, long[] known) {
        if (epoch < known[0] || (epoch == known[0] && floor <= known[1])) return;
        env.storage().put(FLOOR + client.value(), epoch + " " + floor);
        TreeSet<Long> seqs = executed(client, epoch);
        for (Long n : List.copyOf(seqs.headSet(floor))) {
            env.storage().remove(doneKey(client, epoch, n));
            seqs.remove(n);
        }
    }

    /** A call below its client's floor whose id is no longer in the table: it ended, and ran at most once. */
    private boolean ended(NodeId client, CallNumber n, long[] known) {
        return n.epoch() == known[0] && n.seq() < known[1] && env.storage().get(doneKey(client, n.epoch(), n.seq())).isEmpty();
    }

    /** The table's key of call {@code <client>/<epoch>.<seq>}. */
    private static String doneKey(NodeId client, long epoch, long seq) {
        return DONE + client.value() + "/" + epoch + "." + seq;
    }

    /** {epoch, floor} the client last announced; {0, 0} before any. */
    private long[] floor(NodeId client) {
        return env.storage().get(FLOOR + client.value()).map(v -> {
            String[] f = v.split(" ");
            return new long[]{Long.parseLong(f[0]), Long.parseLong(f[1])};
        }).orElse(new long[]{0, 0});
    }

    // ---------------------------------------------------------------- expiration

    private void onRenew(NodeId from, Renew r) {
        if (config.remedy() != OrphanRemedy.EXPIRATION) return;
        for (Computation c : findAll(from, r.id())) {
            c.deadline = env.nanoTime() + config.quantum().toNanos();
            env.emit("rpc.quantum.renewed", Map.of("id", r.id(), "client", from.value()));
        }
    }

    // ---------------------------------------------------------------- extermination

    private void onKill(NodeId from, Kill k) {
        if (!k.id().startsWith(from.value() + "/")) return; // a client kills only its own calls
        env.storage().put(KILLED + k.id(), "1"); // a copy of the request still in the network must not start it
        List<Computation> victims = findAll(from, k.id()); // at-least-once: duplicates of one transmission run twice
        String outcome;
        if (!victims.isEmpty()) {
            for (Computation c : victims) kill(c, "exterminated");
            outcome = "killed";
        } else {
            outcome = env.storage().get(DONE + k.id()).isPresent() ? "done" : "not-running";
        }
        env.send(from, new KillAck(k.id(), outcome));
    }

    // ---------------------------------------------------------------- reincarnation

    private void onNewEpoch(NodeId from, NewEpoch e) {
        if (e.epoch() > announcedEpoch(from)) {
            env.storage().put(EPOCH + from.value(), Long.toString(e.epoch()));
            env.emit("rpc.epoch.heard", Map.of("client", from.value(), "epoch", e.epoch()));
            if (config.remedy() == OrphanRemedy.REINCARNATION) {
                for (Computation c : List.copyOf(running.values())) {
                    if (c.owner.equals(from) && c.request.epoch() < e.epoch()) kill(c, "reincarnation: epoch " + e.epoch());
                }
            } else if (config.remedy() == OrphanRemedy.GENTLE_REINCARNATION) {
                locateOwners();
            }
        }
        env.send(from, new EpochAck(e.epoch()));
    }

    /**
     * Gentle reincarnation: asks the owner of every computation running now whether it still waits for it, and kills
     * those no owner claims: an owner that is down, or one that rebooted and so no longer knows the call. One
     * question (all the ids) to each owner, asked twice at most ({@link Gathers}).
     */
    private void locateOwners() {
        List<Computation> suspects = List.copyOf(running.values());
        if (suspects.isEmpty()) return;
        TreeSet<NodeId> owners = new TreeSet<>();
        List<String> ids = new ArrayList<>();
        for (Computation c : suspects) {
            owners.add(c.owner);
            ids.add(c.request.id());
        }
        env.emit("rpc.owners.locating", Map.of("computations", ids.size(), "owners", owners.stream().map(NodeId::value).toList()));
        gathers.<List<String>>ask(owners, gather -> new Locate(gather, ids), null,
                new Gathers.Patience(config.locate(), 2), g -> judge(suspects, g));
    }

    private void judge(List<Computation> suspects, Gather<List<String>> answers) {
        for (Computation c : suspects) {
            if (running.get(c.number) != c) continue; // finished or killed meanwhile
            List<String> wanted = answers.replies().get(c.owner);
            if (wanted != null && wanted.contains(c.request.id())) {
                env.emit("rpc.computation.kept", Map.of("id", c.request.id(), "client", c.owner.value(), "reason", "owner found"));
            } else {
                kill(c, wanted == null ? "gentle reincarnation: owner not found" : "gentle reincarnation: owner no longer waits");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private long announcedEpoch(NodeId client) {
        return env.storage().get(EPOCH + client.value()).map(Long::parseLong).orElse(0L);
    }

    private Computation find(NodeId owner, String id) {
        List<Computation> all = findAll(owner, id);
        return all.isEmpty() ? null : all.get(0);
    }

    private List<Computation> findAll(NodeId owner, String id) {
        return running.values().stream().filter(c -> c.owner.equals(owner) && c.request.id().equals(id)).toList();
    }

    /** The running computations, in start order. */
    public List<View> running() {
        return running.values().stream().map(c -> new View(c.request.id(), c.owner.value(), c.request.epoch(),
                c.request.account(), c.request.amount(), c.stepsLeft)).toList();
    }
}
