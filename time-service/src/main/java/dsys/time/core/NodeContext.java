package dsys.time.core;

import dsys.core.clock.PhysicalClock;
import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;
import dsys.time.logical.EventLog;
import dsys.time.logical.LoggedEvent;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/** What every algorithm component of one node shares: the Env, the configuration, its clock, tallies and log. */
public final class NodeContext {

    private final Env env;
    private final TimeConfig config;
    private final MessageTally tally = new MessageTally();
    private final EventLog log = new EventLog(256);
    private LongConsumer adjustListener = d -> { };

    public NodeContext(Env env, TimeConfig config) {
        this.env = env;
        this.config = config;
    }

    public Env env() {
        return env;
    }

    public TimeConfig config() {
        return config;
    }

    public NodeId self() {
        return env.self();
    }

    public Membership members() {
        return env.members();
    }

    public MessageTally tally() {
        return tally;
    }

    public EventLog log() {
        return log;
    }

    /**
     * This node's time as the algorithms use it: the hardware reading plus the correction still being slewed.
     * Successive corrections then compose exactly, and a node mid-slew reports the time it is converging to.
     */
    public long now() {
        PhysicalClock c = env.clock();
        long reading = c.nanos();
        return reading + c.pendingSlewNanos();
    }

    public PhysicalClock clock() {
        return env.clock();
    }

    /** Applies a correction (forward steps, backward slews: the clock never runs backwards). */
    public void adjust(long deltaNanos) {
        env.clock().adjust(deltaNanos);
        adjustListener.accept(deltaNanos);
    }

    /** Told of every correction, whichever algorithm made it (NTP's filters must shift with the clock). */
    public void onAdjust(LongConsumer listener) {
        this.adjustListener = listener;
    }

    /** Sends, counting algorithm messages per round; a message to self goes through a zero-delay timer. */
    public void send(NodeId to, Message m) {
        if (to.equals(self())) {
            env.after(Duration.ZERO, new Loopback(m));
            return;
        }
        if (m instanceof RoundMessage rm && !rm.control()) tally.count(rm.round(), m.type());
        env.send(to, m);
    }

    /** Emits an event and keeps it, with its logical clocks, for the Lamport total order. */
    public void emit(String kind, String round, Map<String, Object> fields) {
        Map<String, Object> f = new HashMap<>(fields);
        if (round != null) f.put("round", round);
        env.emit(kind, f);
        log.add(new LoggedEvent(env.logical().lamport(), self().value(), kind, env.logical().vector(), round));
    }

    /** Cancels a timer that may never have been set (the live host does not accept null). */
    public void cancel(dsys.core.env.TimerId timer) {
        if (timer != null) env.cancel(timer);
    }

    public double rho() {
        return config.rho();
    }
}
