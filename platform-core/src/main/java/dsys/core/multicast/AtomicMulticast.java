package dsys.core.multicast;

import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.multicast.AtomicMessages.Flush;
import dsys.core.multicast.AtomicMessages.Heartbeat;
import dsys.core.multicast.AtomicMessages.InstallRecord;
import dsys.core.multicast.AtomicMessages.Installed;
import dsys.core.multicast.AtomicMessages.OrderAck;
import dsys.core.multicast.AtomicMessages.Ordered;
import dsys.core.multicast.AtomicMessages.Stable;
import dsys.core.multicast.AtomicMessages.Submit;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Atomic multicast with virtual synchrony (the notes' §7.4, 原子组播, 虚拟同步). A message multicast in a view is
 * delivered to every member of that view that survives into the next one, or to none: the view's coordinator orders
 * the messages (so all deliver them in one total order, FIFO per origin), and a member delivers one only once it is
 * stable, i.e. every member of the view has it. A member that suspects a crash (silence for {@code suspectAfter}) and
 * is the lowest member still trusted proposes the view without the suspects, by sending its flush. A view change is
 * the flush: each member of the proposed view stops taking new messages and sends every member its unstable messages;
 * once a member has the flushes of all, it delivers the union of those messages in order and installs the new view.
 * A member that missed an install (a flush's sender crashed after some had it) gets the install from one who made it.
 * Crash-stop: a member that crashed does not come back into the group (joining is not built); a new view must keep
 * a majority of the old one. Partitions (a falsely suspected, live member) are outside what this guarantees: agreeing
 * on views under them needs consensus.
 */
public final class AtomicMulticast {

    /** The periodic heartbeat, suspicion check and retransmission. */
    public record Tick() {
    }

    /** A message delivered in {@code view}: its origin, its number at the origin, what it says. */
    public record AtomicDelivery(ViewId view, NodeId origin, long seq, String payload) {
    }

    static final int RESEND_WINDOW = 32;
    static final int MAX_RECORDS = 16;

    private final Env env;
    private final String joinedKey;
    private final String self;
    private final Duration tick;
    private final long suspectAfter;
    private final Consumer<AtomicDelivery> deliver;
    private final Consumer<View> installed;

    private View view;
    private boolean excluded;
    private final List<InstallRecord> records = new ArrayList<>();
    /** This view's ordered messages received and not yet delivered, by position. */
    private final TreeMap<Long, Ordered> held = new TreeMap<>();
    private long deliveredUpTo;
    private long knownStable;
    /** Per origin, how many of its messages this member has delivered (in all views). */
    private final Map<String, Long> delivered = new HashMap<>();
    private Sequencer sequencer;

    private long lastSeq;
    private final TreeMap<Long, String> pending = new TreeMap<>();
    private long ownOrdered;

    private Flush accepted;
    private final Map<String, Flush> flushes = new HashMap<>();
    private final Map<String, Long> lastHeard = new HashMap<>();

    /**
     * {@code group}: the first view; {@code deliver} gets each message in the step it is delivered; {@code installed}
     * each view this member installs. Route {@link AtomicMessages} and {@link Tick} here.
     */
    public AtomicMulticast(Env env, List<NodeId> group, Duration tick, Duration suspectAfter, String prefix,
                           Consumer<AtomicDelivery> deliver, Consumer<View> installed) {
        this.env = env;
        this.joinedKey = prefix + "joined";
        this.self = env.self().value();
        this.tick = tick;
        this.suspectAfter = suspectAfter.toNanos();
        this.deliver = deliver;
        this.installed = installed;
        View first = new View(new ViewId(0, ""), group.stream().map(NodeId::value).toList());
        this.view = first;
    }

    /**
     * Arms the timer; from the host core's onStart and onRecover. A member that was in the group before (its disk says
     * so) lost its state in a crash: it stays out (crash-stop; rejoining with a state transfer is not built), since
     * taking part again could deliver the old views' messages a second time.
     */
    public void start() {
        if (env.storage().get(joinedKey).isPresent()) {
            excluded = true;
            return;
        }
        env.storage().put(joinedKey, view.id().toString());
        for (String m : view.members()) lastHeard.put(m, env.nanoTime());
        install(view);
        env.after(tick, new Tick());
    }

    /** Queues {@code payload} for the group; its number at this member. Delivered back here like everywhere. */
    public long multicast(String payload) {
        long seq = ++lastSeq;
        pending.put(seq, payload);
        if (accepted == null && !excluded) submit(seq, payload);
        return seq;
    }

    public View view() {
        return view;
    }

    /** Whether a view change is under way (new messages wait for the next view). */
    public boolean flushing() {
        return accepted != null;
    }

    public boolean excluded() {
        return excluded;
    }

    public boolean onMessage(NodeId from, Message m) {
        if (!(m instanceof Submit || m instanceof Ordered || m instanceof OrderAck || m instanceof Stable
                || m instanceof Heartbeat || m instanceof Flush || m instanceof Installed)) return false;
        if (excluded) return true;
        lastHeard.put(from.value(), env.nanoTime());
        if (m instanceof Flush f) flushed(from, f);
        else if (m instanceof Installed i) catchUp(i.records());
        else if (m instanceof Heartbeat h && h.view().equals(view.id())) stable(h.stable());
        else if (accepted != null) return true; // frozen: the flush already said what this member has
        else if (m instanceof Submit s && s.view().equals(view.id()) && sequencer != null) ordered(sequencer.submit(s));
        else if (m instanceof Ordered o && o.view().equals(view.id())) received(o);
        else if (m instanceof OrderAck a && a.view().equals(view.id()) && sequencer != null) acked(from.value(), a.upTo());
        else if (m instanceof Stable s && s.view().equals(view.id())) stable(s.upTo());
        return true;
    }

    public boolean onTimer(Object timer) {
        if (!(timer instanceof Tick)) return false;
        if (!excluded) {
            for (NodeId n : view.nodes()) if (!n.equals(env.self())) env.send(n, new Heartbeat(view.id(),
                    sequencer == null ? 0 : sequencer.stable()));
            resend();
            proposeIfSuspecting();
        }
        env.after(tick, new Tick());
        return true;
    }

    // ---------------------------------------------------------------- messages in a view

    private void submit(long seq, String payload) {
        Submit s = new Submit(view.id(), self, seq, payload);
        if (sequencer != null) ordered(sequencer.submit(s));
        else env.send(view.coordinator(), s);
    }

    private void ordered(List<Ordered> messages) {
        for (Ordered o : messages) {
            for (NodeId n : view.nodes()) if (!n.equals(env.self())) env.send(n, o);
            received(o);
        }
    }

    private void received(Ordered o) {
        if (o.position() > deliveredUpTo) held.putIfAbsent(o.position(), o);
        if (o.origin().equals(self)) ownOrdered = Math.max(ownOrdered, o.seq());
        long upTo = deliveredUpTo;
        while (held.containsKey(upTo + 1)) upTo++;
        if (sequencer != null) acked(self, upTo);
        else env.send(view.coordinator(), new OrderAck(view.id(), upTo));
    }

    private void acked(String member, long upTo) {
        if (!sequencer.ack(member, upTo)) return;
        for (NodeId n : view.nodes()) if (!n.equals(env.self())) env.send(n, new Stable(view.id(), sequencer.stable()));
        stable(sequencer.stable());
    }

    /** Delivers, in order, what every member of the view has. */
    private void stable(long upTo) {
        knownStable = Math.max(knownStable, upTo);
        if (accepted != null) return;
        while (deliveredUpTo < knownStable && held.containsKey(deliveredUpTo + 1)) deliver(held.remove(++deliveredUpTo));
    }

    private void deliver(Ordered o) {
        long next = delivered.getOrDefault(o.origin(), 0L) + 1;
        if (o.seq() != next) {
            throw new IllegalStateException(self + ": " + o + " is not its origin's next message (#" + next + ")");
        }
        delivered.put(o.origin(), next);
        if (o.origin().equals(self)) pending.remove(o.seq());
        deliver.accept(new AtomicDelivery(o.view(), NodeId.of(o.origin()), o.seq(), o.payload()));
    }

    /** Repeats what may have been lost: ordered messages to members that lack them, own submissions not yet ordered. */
    private void resend() {
        if (accepted != null) {
            for (String m : accepted.members()) if (!m.equals(self)) env.send(NodeId.of(m), accepted);
            return;
        }
        if (sequencer != null) {
            for (NodeId n : view.nodes()) {
                if (!n.equals(env.self())) for (Ordered o : sequencer.missing(n.value(), RESEND_WINDOW)) env.send(n, o);
            }
        } else {
            pending.tailMap(ownOrdered, false).entrySet().stream().limit(RESEND_WINDOW)
                    .forEach(e -> env.send(view.coordinator(), new Submit(view.id(), self, e.getKey(), e.getValue())));
        }
    }

    // ---------------------------------------------------------------- view changes

    private List<String> trusted(List<String> members) {
        long now = env.nanoTime();
        return members.stream().filter(m -> m.equals(self) || now - lastHeard.getOrDefault(m, now) <= suspectAfter).toList();
    }

    /** The lowest trusted member of the view proposes the view without the members it suspects. */
    private void proposeIfSuspecting() {
        List<String> live = trusted(view.members());
        if (!live.get(0).equals(self)) return;
        List<String> current = accepted == null ? view.members() : accepted.members();
        if (live.equals(current) || live.size() * 2 <= view.members().size()) return;
        long epoch = Math.max(view.id().epoch(), accepted == null ? 0 : accepted.proposal().epoch()) + 1;
        env.emit("multicast.view-change.proposed", Map.of("view", epoch + "@" + self, "members", live));
        accept(new ViewId(epoch, self), live);
    }

    /** Stops taking messages of this view and sends this member's flush to every member of the proposed view. */
    private void accept(ViewId proposal, List<String> members) {
        accepted = new Flush(proposal, members, view.id(), List.copyOf(held.values()));
        flushes.clear();
        flushes.put(self, accepted);
        for (String m : members) if (!m.equals(self)) env.send(NodeId.of(m), accepted);
        installIfFlushed();
    }

    private void flushed(NodeId from, Flush f) {
        if (f.proposal().compareTo(view.id()) <= 0) {
            if (f.installed().compareTo(view.id()) < 0) env.send(from, new Installed(recordsAfter(f.installed())));
            return;
        }
        if (accepted == null || f.proposal().compareTo(accepted.proposal()) > 0) {
            if (!f.members().contains(self)) return; // a proposal without this member: its install will say so
            accept(f.proposal(), f.members());
        }
        if (!f.proposal().equals(accepted.proposal())) return;
        flushes.put(from.value(), f);
        if (f.installed().compareTo(view.id()) < 0) env.send(from, new Installed(recordsAfter(f.installed())));
        installIfFlushed();
    }

    /** With every member's flush of the same view in hand: deliver their union in order, install the new view. */
    private void installIfFlushed() {
        for (String m : accepted.members()) {
            Flush f = flushes.get(m);
            if (f == null || !f.installed().equals(view.id())) return;
        }
        TreeMap<Long, Ordered> union = new TreeMap<>();
        for (Flush f : flushes.values()) for (Ordered o : f.unstable()) union.putIfAbsent(o.position(), o);
        apply(new InstallRecord(view.id(), new View(accepted.proposal(), accepted.members()), List.copyOf(union.values())));
    }

    private void catchUp(List<InstallRecord> chain) {
        for (InstallRecord r : chain) {
            if (!r.from().equals(view.id()) || excluded) continue;
            env.emit("multicast.view.caught-up", Map.of("view", r.to().id().toString()));
            apply(r);
        }
    }

    private void apply(InstallRecord r) {
        int flushed = 0;
        for (Ordered o : r.flushed()) {
            if (o.position() > deliveredUpTo) {
                deliver(o);
                flushed++;
            }
        }
        records.add(r);
        if (records.size() > MAX_RECORDS) records.remove(0);
        env.emit("multicast.view.installed", Map.of("view", r.to().id().toString(), "members", r.to().members(),
                "flushed", flushed));
        if (!r.to().contains(env.self())) {
            excluded = true;
            return;
        }
        Flush proposal = accepted;
        install(r.to());
        if (proposal != null && proposal.proposal().compareTo(view.id()) > 0) {
            accept(proposal.proposal(), proposal.members()); // flush again, from the view just installed
        }
    }

    private void install(View v) {
        view = v;
        held.clear();
        deliveredUpTo = 0;
        knownStable = 0;
        accepted = null;
        flushes.clear();
        sequencer = v.coordinator().equals(env.self()) ? new Sequencer(v, delivered) : null;
        ownOrdered = delivered.getOrDefault(self, 0L);
        for (String m : v.members()) lastHeard.put(m, env.nanoTime());
        installed.accept(v);
        pending.forEach(this::submit); // what was not delivered in the old view goes again, in order
    }

    private List<InstallRecord> recordsAfter(ViewId from) {
        int i = 0;
        while (i < records.size() && !records.get(i).from().equals(from)) i++;
        return List.copyOf(records.subList(i, records.size()));
    }
}
