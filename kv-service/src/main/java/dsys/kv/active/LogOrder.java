package dsys.kv.active;

import dsys.core.env.Durable;
import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.active.SequencerLog.Entry;
import dsys.kv.active.SequencerLog.Records;
import dsys.kv.quorum.QuorumStats;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code kafka} sequencer (the notes' persistent messaging, 持久通信): a write is appended to one log partition,
 * whose offsets are the total order; every replica reads the partition and applies each record at its offset, the
 * version being (offset + 1, origin). Nothing to agree on among the replicas: the log's partition leader orders.
 *
 * <p>Exactly-once application over an at-least-once log: the replica's state, the offset it applied last and the
 * operation ids it applied (with their outcome) are written in the one step that applies a record, so they reach
 * the disk together, and a restart reads on from that offset + 1 ({@link SequencerLog#consume}). A record at or below
 * that offset is a redelivery, skipped; a record whose operation id is known (a producer retry, or a forwarder's
 * repeat after this replica crashed, appended twice) is answered with its first outcome and applies nothing. Ids are
 * remembered for the last {@value #REMEMBERED} applied operations: a repeat comes seconds after its first copy.
 *
 * <p>Disk, under {@code kva/<keyspace>/seq/}: {@code offset} → the last offset handled; {@code op/<id>} → the
 * offset it was applied at and its outcome.
 */
final class LogOrder implements WriteOrder {

    static final int REMEMBERED = 10_000;
    private static final char F = '\u001f';

    private final Env env;
    private final Durable disk;
    private final String prefix;
    private final SequencerLog log;
    private final Sink sink;
    private final QuorumStats stats;
    private final Map<String, String> applied = new HashMap<>(); // op id → offset F outcome
    private final TreeMap<Long, String> byOffset = new TreeMap<>(); // to forget the oldest
    private long last = -1;
    private long replayFrom;
    private long replayed;
    private boolean replaying;

    LogOrder(Env env, String keyspace, SequencerLog log, Sink sink, QuorumStats stats) {
        this.env = env;
        this.disk = env.storage();
        this.prefix = ActiveReplica.prefix(keyspace) + "seq/";
        this.log = log;
        this.sink = sink;
        this.stats = stats;
    }

    @Override
    public void start() {
        applied.clear();
        byOffset.clear();
        last = disk.get(prefix + "offset").map(Long::parseLong).orElse(-1L);
        disk.scan(prefix + "op/").forEach((k, v) -> {
            String op = k.substring(prefix.length() + 3);
            applied.put(op, v);
            byOffset.put(Long.parseLong(v.substring(0, v.indexOf(F))), op);
        });
        replayFrom = last + 1;
        replayed = 0;
        replaying = true;
        log.consume(last + 1);
    }

    @Override
    public void submit(WriteOp w) {
        String refused = log.append(w.op(), env.self().value() + F + w.encode());
        if (refused != null) {
            stats.count("seq.refused");
            sink.refused(w.op(), false, refused);
            return;
        }
        stats.count("seq.appended");
        env.emit("kv.active.seq.append", Map.of("op", w.op(), "key", w.key()));
    }

    @Override
    public boolean onInput(Object body) {
        if (body instanceof Records r) {
            read(r);
        } else if (body instanceof SequencerLog.AppendFailed f) {
            stats.count("seq.append-failed");
            sink.refused(f.op(), f.maybeAppended(), f.reason());
        } else {
            return false;
        }
        return true;
    }

    private void read(Records r) {
        if (r.position() > last + 1) { // read ahead for this replica before it crashed: seek back
            stats.count("seq.seek-back");
            env.emit("kv.active.seq.seek", Map.of("from", last + 1, "readerAt", r.position()));
            log.consume(last + 1);
            return;
        }
        for (Entry e : r.entries()) {
            if (e.offset() <= last) {
                stats.count("seq.redelivered");
                continue;
            }
            handle(e);
            if (replaying) replayed++;
        }
        if (replaying && r.end() >= 0 && last + 1 >= r.end()) {
            replaying = false;
            env.emit("kv.active.seq.replay", Map.of("from", replayFrom, "count", replayed, "to", last));
        }
    }

    /** The next record: applied, or answered as the repeat it is; its offset is handled in the same step either way. */
    private void handle(Entry e) {
        int cut = e.record().indexOf(F);
        WriteOp w;
        try {
            w = WriteOp.decode(e.record().substring(cut + 1));
        } catch (RuntimeException bad) { // not written by a replica: skipped alike everywhere
            stats.count("seq.malformed");
            advance(e.offset());
            return;
        }
        String origin = e.record().substring(0, cut);
        String first = applied.get(w.op());
        if (first != null) {
            stats.count("seq.duplicates");
            env.emit("kv.active.seq.duplicate", Map.of("offset", e.offset(), "op", w.op(),
                    "first", Long.parseLong(first.substring(0, first.indexOf(F)))));
            sink.again(w, origin, first.substring(first.indexOf(F) + 1));
        } else {
            String outcome = ActiveReplica.outcome(sink.apply(w, e.offset() + 1, origin));
            remember(e.offset(), w.op(), outcome);
            env.emit("kv.active.seq.apply", Map.of("offset", e.offset(), "op", w.op(), "key", w.key(), "outcome", outcome));
        }
        advance(e.offset());
    }

    private void remember(long offset, String op, String outcome) {
        String v = offset + "" + F + outcome;
        applied.put(op, v);
        byOffset.put(offset, op);
        disk.put(prefix + "op/" + op, v);
        while (byOffset.size() > REMEMBERED) {
            String old = byOffset.pollFirstEntry().getValue();
            applied.remove(old);
            disk.remove(prefix + "op/" + old);
        }
    }

    private void advance(long offset) {
        last = offset;
        disk.put(prefix + "offset", Long.toString(offset));
    }

    static String offsetKey(String keyspace) {
        return ActiveReplica.prefix(keyspace) + "seq/offset";
    }

    @Override
    public boolean onMessage(NodeId from, Message m) {
        return false;
    }

    @Override
    public boolean onTimer(Object timer) {
        return false;
    }

    @Override
    public void gauges(QuorumStats stats) {
        stats.set("seq.offset", last);
    }
}
