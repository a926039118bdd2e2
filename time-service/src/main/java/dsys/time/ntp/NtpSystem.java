package dsys.time.ntp;

import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;

/**
 * NTP's system variables of one node: its stratum (1 for a reference clock, the system peer's + 1, or 16 when
 * unsynchronized), its system peer, and how far its clock may be from true time (root delay, root dispersion,
 * which grows by ρ per unit of time since the last update). Published to the UDP server after every change.
 */
final class NtpSystem {

    private final NodeContext ctx;
    private final NtpServerState published;
    private boolean reference;
    private int stratum;
    private NodeId parent;
    private long rootDelay;
    private long rootDispersion;  // at lastUpdate; grows by ρ per unit of time after it
    private long lastUpdate;      // corrected clock at the last NTP update
    private long refTimeHw;       // hardware clock at the last correction (the reference timestamp)

    NtpSystem(NodeContext ctx, NtpServerState published, boolean reference) {
        this.ctx = ctx;
        this.published = published;
        this.refTimeHw = ctx.clock().nanos();
        this.lastUpdate = ctx.now();
        setReference(reference);
    }

    int stratum() {
        return stratum;
    }

    NodeId parent() {
        return parent;
    }

    boolean reference() {
        return reference;
    }

    /** A reference clock is stratum 1; losing it makes the node an ordinary (unsynchronized) client. */
    void setReference(boolean ref) {
        reference = ref;
        stratum = ref ? 1 : NtpMode.UNSYNCHRONIZED;
        parent = null;
        rootDelay = 0;
        rootDispersion = 0;
        lastUpdate = ctx.now();
        publish();
    }

    /** How far this node's clock may be from true time now (NTP's root distance); huge when unsynchronized. */
    long rootDistance() {
        if (reference) return 0;
        if (stratum >= NtpMode.UNSYNCHRONIZED) return Long.MAX_VALUE / 4;
        return rootDelay / 2 + dispersionNow();
    }

    private long dispersionNow() {
        return rootDispersion + (long) Math.ceil(ctx.rho() * Math.max(0, ctx.now() - lastUpdate));
    }

    /** The clock was corrected: the reference timestamp is now. */
    void clockAdjusted() {
        refTimeHw = ctx.clock().nanos();
        publish();
    }

    /** This node now takes its time from {@code server}; {@code bound} is its new root distance. */
    void follow(NodeId server, int serverStratum, long newRootDelay, long bound) {
        stratum = Math.min(NtpMode.UNSYNCHRONIZED, serverStratum + 1);
        parent = server;
        rootDelay = newRootDelay;
        rootDispersion = Math.max(0, bound - newRootDelay / 2);
        lastUpdate = ctx.now();
        publish();
    }

    /** No usable server: stratum 16, no system peer. */
    void unsynchronize() {
        stratum = NtpMode.UNSYNCHRONIZED;
        parent = null;
        publish();
    }

    private void publish() {
        published.set(new NtpServerState.Snapshot(stratum, parent == null ? null : parent.value(), rootDelay,
                reference ? 0 : rootDispersion, refTimeHw, reference));
    }

    /** A packet stamped now, carrying this node's system variables. */
    NtpMessage packet(String round, int mode, long org, long rec, int remaining) {
        long disp = stratum >= NtpMode.UNSYNCHRONIZED ? 0 : reference ? 0 : dispersionNow();
        return new NtpMessage(round, mode, org, rec, ctx.now(), stratum, parent == null ? null : parent.value(),
                reference ? 0 : rootDelay, disp, refTimeHw, remaining);
    }
}
