package dsys.core.checkpoint;

import dsys.core.checkpoint.ChannelMessages.OnChannel;
import dsys.core.checkpoint.ChannelMessages.Probe;
import dsys.core.checkpoint.ChannelMessages.Resend;
import dsys.core.checkpoint.CheckpointRequests.Inspect;
import dsys.core.checkpoint.CheckpointRequests.Paid;
import dsys.core.checkpoint.CheckpointRequests.Pay;
import dsys.core.checkpoint.CheckpointRequests.View;
import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the three algorithms' bank processes share: the {@link BankProcess}, client payments, channel repair, and
 * backward recovery's rule for a crash. The process state is volatile (checkpoints are what is on stable storage),
 * so a process back from a crash is <b>frozen</b>: it refuses payments and ignores the channels until the
 * algorithm rolls it (and everyone else) back to a consistent global state.
 */
abstract class BankCore implements Core {

    static final String EPOCH = "bank.epoch";

    private record ProbeTick() {
    }

    /** Transfer ids go into checkpoints' one-line encoding: none of its separators. */
    private static final Pattern TRANSFER_ID = Pattern.compile("[A-Za-z0-9_.-]+");

    protected final Env env;
    protected final BankProcess bank;
    protected final CheckpointTiming timing;
    protected boolean frozen;

    BankCore(Env env, long opening, CheckpointTiming timing) {
        this.env = env;
        this.bank = new BankProcess(env, opening);
        this.timing = timing;
    }

    @Override
    public final void onStart() {
        bank.reset(0);
        started();
        env.after(timing.retry(), new ProbeTick());
    }

    @Override
    public final void onRecover() {
        frozen = true;
        bank.reset(env.storage().get(EPOCH).map(Long::parseLong).orElse(0L));
        env.emit("checkpoint.restart", Map.of("epoch", bank.epoch()));
        restarted();
        env.after(timing.retry(), new ProbeTick());
    }

    /** First start: record the initial state as the algorithm needs it. */
    protected abstract void started();

    /** Back from a crash, frozen: ask to be rolled back. */
    protected abstract void restarted();

    @Override
    public final void onRequest(RequestId request, Object body) {
        if (body instanceof Pay p) {
            NodeId to = p.to() == null || p.to().isBlank() ? null : NodeId.of(p.to());
            if (frozen) env.reply(request, Rejection.unavailable(env.self() + " is recovering: it waits to be rolled back"));
            else if (to == null || !bank.peers().contains(to)) env.reply(request, Rejection.badRequest("no process " + p.to()));
            else if (p.amount() <= 0) env.reply(request, Rejection.badRequest("amount must be positive, was " + p.amount()));
            else if (p.id() == null || !TRANSFER_ID.matcher(p.id()).matches()) env.reply(request, Rejection.badRequest("transfer id must match [A-Za-z0-9_.-]+"));
            else pay(request, p, to);
        } else if (body instanceof Inspect) {
            env.reply(request, view());
        } else {
            request(request, body);
        }
    }

    /** Sends the payment now, or (a subclass) queues it. */
    protected void pay(RequestId request, Pay p, NodeId to) {
        if (bank.transfer(p.id(), to, p.amount(), 0)) env.reply(request, new Paid(p.id(), bank.balance()));
        else env.reply(request, insufficient(p));
    }

    protected static Rejection insufficient(Pay p) {
        return Rejection.conflict("insufficient-funds", "the balance does not cover " + p.amount());
    }

    protected abstract void request(RequestId request, Object body);

    @Override
    public final void onMessage(NodeId from, Message m) {
        if (m instanceof OnChannel c) {
            if (!frozen) bank.receive(from, c, this::delivered);
        } else if (m instanceof Probe p) {
            if (!frozen) bank.onProbe(from, p);
        } else if (m instanceof Resend r) {
            if (!frozen) bank.onResend(from, r);
        } else {
            message(from, m);
        }
    }

    /** A transfer (already credited) or a marker, delivered in channel order. */
    protected void delivered(NodeId from, OnChannel m) {
    }

    protected abstract void message(NodeId from, Message m);

    @Override
    public final void onTimer(Object timer) {
        if (timer instanceof ProbeTick) {
            if (!frozen) bank.probe();
            env.after(timing.retry(), timer);
        } else {
            timer(timer);
        }
    }

    protected abstract void timer(Object timer);

    /** Becomes {@code s} in recovery epoch {@code epoch} and runs again. */
    protected void rollBack(ProcessState s, long epoch) {
        bank.restore(s, epoch);
        env.storage().put(EPOCH, Long.toString(epoch));
        frozen = false;
    }

    public View view() {
        return new View(env.self().value(), bank.epoch(), frozen, bank.state());
    }
}
