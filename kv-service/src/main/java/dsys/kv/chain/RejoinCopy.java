package dsys.kv.chain;

import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.kv.chain.ChainMessages.CopyPage;
import dsys.kv.chain.ChainMessages.CopyRequest;
import dsys.kv.chain.ChainMessages.Entry;
import dsys.kv.chain.ChainMessages.JoinRequest;
import dsys.kv.chain.ChainReplica.Item;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A replica that is not in the current view (removed after a crash or a partition) joins again at the tail: it
 * forgets its own copy — it may hold writes no member has, taken while it was a head nobody followed — copies the
 * current tail's (a primary-backup view: the primary's) keys page by page, and then asks the members to add it. Its copy is consistent enough: each page
 * is the tail's state when sent, and its {@code lastSeq} is the tail's when the first page was, so the tail, once
 * the joiner is its successor, sends it every key written since ({@link ChainLink}). The view agreement adds it
 * only if the tail it copied from is still the tail, and it serves reads only after that catch-up. A copy that
 * the view overtook starts again; a crash in the middle does too (the record on disk says it was not finished).
 */
final class RejoinCopy {

    private final Env env;
    private final ChainReplica replica;
    private final ViewAgreement agreement;
    private final ChainTimings timings;
    private final Shape shape;
    private final BiConsumer<String, Message> send;
    private final String recordKey;
    private final String self;
    private long epoch = -1;
    private String source;
    private String after;
    private boolean started;
    private long firstLastSeq;
    private long askedAt;

    RejoinCopy(Env env, ChainReplica replica, ViewAgreement agreement, ChainTimings timings, Shape shape,
               String keyspace, BiConsumer<String, Message> send) {
        this.shape = shape;
        this.env = env;
        this.replica = replica;
        this.agreement = agreement;
        this.timings = timings;
        this.send = send;
        this.recordKey = ChainReplica.prefix(keyspace) + "copy";
        this.self = env.self().value();
    }

    /** A finished copy counts after a restart; an unfinished one is started again. */
    void load() {
        String[] r = env.storage().get(recordKey).map(s -> s.split("\\|")).orElse(null);
        agreement.copyEpoch(r != null && r[1].equals("done") ? Long.parseLong(r[0]) : -1);
        epoch = -1;
    }

    void tick() {
        View v = agreement.view();
        if (v.has(self)) return;
        if (agreement.copyEpoch() == v.epoch()) {
            for (String m : v.chain()) send.accept(m, new JoinRequest(v.epoch()));
            return;
        }
        if (epoch != v.epoch() || !source.equals(shape.reader(v))) {
            epoch = v.epoch();
            source = shape.reader(v);
            after = null;
            started = false;
            env.emit("kv.chain.copy.start", Map.of("epoch", epoch, "from", source));
        } else if (env.nanoTime() - askedAt < timings.ms(timings.tickMs())) {
            return;
        }
        askedAt = env.nanoTime();
        send.accept(source, new CopyRequest(epoch, after));
    }

    void onPage(String from, CopyPage p) {
        if (p.epoch() != epoch || !from.equals(source) || agreement.copyEpoch() == epoch
                || !java.util.Objects.equals(p.after(), after) || started == (p.after() == null)) return;
        if (!started) {
            replica.wipe();
            agreement.copyEpoch(-1);
            env.storage().put(recordKey, epoch + "|copying");
            firstLastSeq = p.lastSeq();
            started = true;
        }
        for (Entry e : p.entries()) replica.apply(e.key(), e.seq(), e.content());
        after = p.next();
        if (after != null) {
            askedAt = env.nanoTime();
            send.accept(source, new CopyRequest(epoch, after));
            return;
        }
        replica.lastSeq(Math.max(replica.lastSeq(), firstLastSeq));
        env.storage().put(recordKey, epoch + "|done");
        agreement.copyEpoch(epoch);
        env.emit("kv.chain.copy.done", Map.of("epoch", epoch, "from", source, "keys", replica.size(), "lastSeq", firstLastSeq));
        View v = agreement.view();
        if (v.epoch() == epoch) for (String m : v.chain()) send.accept(m, new JoinRequest(epoch));
    }

    /** The tail's side: a page of its keys, if it is the ready tail of that epoch. */
    static CopyPage page(ChainReplica replica, ChainTimings timings, CopyRequest r) {
        List<Entry> entries = new ArrayList<>();
        long chars = 0;
        String next = null;
        for (Map.Entry<String, Item> e : replica.after(r.after()).entrySet()) {
            Item i = e.getValue();
            chars += e.getKey().length() + (i.content().value() == null ? 0 : i.content().value().length()) + 64;
            if (!entries.isEmpty() && (entries.size() >= timings.pageEntries() || chars > timings.pageChars())) {
                next = entries.get(entries.size() - 1).key();
                break;
            }
            entries.add(new Entry(e.getKey(), i.seq(), i.content()));
        }
        return new CopyPage(r.epoch(), r.after(), replica.lastSeq(), entries, next);
    }
}
