package dsys.core.checkpoint;

import dsys.core.checkpoint.ChannelMessages.Marker;
import dsys.core.checkpoint.ChannelMessages.OnChannel;
import dsys.core.checkpoint.ChannelMessages.Probe;
import dsys.core.checkpoint.ChannelMessages.Resend;
import dsys.core.checkpoint.ChannelMessages.Transfer;
import dsys.core.checkpoint.ProcessState.Sent;
import dsys.core.env.Env;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The application every algorithm here checkpoints: a process of a bank that holds a balance and sends money to
 * the other processes, over one reliable FIFO channel per peer built on the unreliable network. Sequence numbers
 * per channel let the receiver drop duplicates and hold back what overtook a missing message; the sender keeps
 * every message it sent (the log in {@link ProcessState#sent()}) and probes receivers that have not said they have
 * it all, so a loss is repaired and, after a rollback, the messages in transit across the cut are sent again.
 * Everything but the hold-back buffers and the probing bookkeeping is the process state a checkpoint records.
 */
final class BankProcess {

    private final Env env;
    private final long opening;
    private List<NodeId> peers = List.of();
    private long balance;
    private long epoch;
    // Per peer. Looked up only, never iterated (iteration goes over the sorted peers), so hash order cannot leak.
    private final Map<NodeId, List<Sent>> sent = new HashMap<>();
    private final Map<NodeId, Long> delivered = new HashMap<>();
    private final Map<NodeId, List<String>> received = new HashMap<>();
    /** Arrived ahead of a missing message (volatile: the sender sends it again when asked). */
    private final Map<NodeId, TreeMap<Long, OnChannel>> heldBack = new HashMap<>();
    /** How much each peer last said it has delivered from us; no probes while it has all (volatile). */
    private final Map<NodeId, Long> acknowledged = new HashMap<>();

    BankProcess(Env env, long opening) {
        this.env = env;
        this.opening = opening;
    }

    /** The initial state: the opening balance and empty channels (to every other member of the group as it is now). */
    void reset(long epoch) {
        peers = env.members().others(env.self());
        restore(new ProcessState(opening, new TreeMap<>(), new TreeMap<>(), new TreeMap<>()), epoch);
    }

    List<NodeId> peers() {
        return peers;
    }

    long balance() {
        return balance;
    }

    long epoch() {
        return epoch;
    }

    long delivered(NodeId from) {
        return delivered.get(from);
    }

    /** Debits and sends {@code amount} to {@code to}; false (nothing done) when the balance does not cover it. */
    boolean transfer(String id, NodeId to, long amount, int interval) {
        if (amount > balance) return false;
        balance -= amount;
        send(to, Sent.transfer(id, amount, interval));
        return true;
    }

    void marker(NodeId to, String snapshot) {
        send(to, Sent.marker(snapshot));
    }

    private void send(NodeId to, Sent s) {
        List<Sent> log = sent.get(to);
        log.add(s);
        env.send(to, message(s, log.size()));
    }

    private OnChannel message(Sent s, long seq) {
        return s.marker() ? new Marker(epoch, seq, s.id()) : new Transfer(epoch, seq, s.id(), s.amount(), s.interval());
    }

    /**
     * Takes in what arrived on the channel from {@code from} and delivers, in channel order, every message that is
     * now next: a transfer is credited before {@code deliver} sees it. A message of another epoch is dropped (from
     * before a rollback, or from a peer that has not rolled back yet: it is sent again when the epochs agree).
     */
    void receive(NodeId from, OnChannel m, BiConsumer<NodeId, OnChannel> deliver) {
        if (m.epoch() != epoch || !delivered.containsKey(from) || m.seq() <= delivered.get(from)) return;
        TreeMap<Long, OnChannel> held = heldBack.get(from);
        held.putIfAbsent(m.seq(), m);
        while (!held.isEmpty() && held.firstKey() == delivered.get(from) + 1) {
            OnChannel next = held.pollFirstEntry().getValue();
            delivered.put(from, next.seq());
            if (next instanceof Transfer t) {
                balance += t.amount();
                received.get(from).add(t.id());
            }
            deliver.accept(from, next);
        }
    }

    /** A peer says how much it has sent us: ask for what we lack, or say we have it all (it stops probing). */
    void onProbe(NodeId from, Probe p) {
        if (p.epoch() == epoch && delivered.containsKey(from)) env.send(from, new Resend(epoch, delivered.get(from) + 1));
    }

    void onResend(NodeId to, Resend r) {
        if (r.epoch() != epoch || !sent.containsKey(to)) return;
        acknowledged.merge(to, r.from() - 1, Math::max);
        List<Sent> log = sent.get(to);
        for (long seq = r.from(); seq <= log.size(); seq++) env.send(to, message(log.get((int) seq - 1), seq));
    }

    /** Every peer that may lack something we sent is told how much we sent (the periodic channel repair). */
    void probe() {
        for (NodeId p : peers) {
            long n = sent.get(p).size();
            if (acknowledged.get(p) < n) env.send(p, new Probe(epoch, n));
        }
    }

    ProcessState state() {
        TreeMap<String, List<Sent>> s = new TreeMap<>();
        TreeMap<String, Long> d = new TreeMap<>();
        TreeMap<String, List<String>> r = new TreeMap<>();
        for (NodeId p : peers) {
            s.put(p.value(), sent.get(p));
            d.put(p.value(), delivered.get(p));
            r.put(p.value(), received.get(p));
        }
        return new ProcessState(balance, s, d, r);
    }

    /** Rolls back to {@code s}: what came after it, and what is in flight from before, is forgotten. */
    void restore(ProcessState s, long epoch) {
        this.epoch = epoch;
        balance = s.balance();
        for (NodeId p : peers) {
            sent.put(p, new ArrayList<>(s.sent().getOrDefault(p.value(), List.of())));
            delivered.put(p, s.delivered().getOrDefault(p.value(), 0L));
            received.put(p, new ArrayList<>(s.received().getOrDefault(p.value(), List.of())));
            heldBack.put(p, new TreeMap<>());
            acknowledged.put(p, 0L);
        }
    }

    /**
     * Delivers again a channel state a snapshot recorded: the transfers that were in transit from {@code from},
     * and then its marker, after which the channel stands at {@code deliveredAfter}.
     */
    void reinject(NodeId from, List<Sent> inTransit, long deliveredAfter) {
        for (Sent t : inTransit) {
            balance += t.amount();
            received.get(from).add(t.id());
        }
        delivered.put(from, deliveredAfter);
    }
}
