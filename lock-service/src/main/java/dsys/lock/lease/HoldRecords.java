package dsys.lock.lease;

import dsys.core.env.Durable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds acknowledged by <em>other</em> nodes, as recorded here before their clients heard "granted" or "renewed"
 * (see {@code dsys.lock.node.HoldReplication}). Each record ends when its lease can have ended for the client at
 * the latest: the lease was counted from before the record was sent, so {@code receipt + leaseMs·(1+2ρ)} on this
 * node's clock is late enough. Records are durable (a node that restarts still knows them; a restored record gets
 * a full stretched lease from the restart, which is later still) and go when their hold ends or the end passes.
 * A new epoch's promisers report them, so it knows every name a node outside it may hold, and until when.
 */
public final class HoldRecords {

    private static final String PREFIX = "record/";
    private static final char SEP = '\u001f';

    private record Record(HoldInfo hold, long endNanos) {
    }

    private final Durable storage;
    private final double rho;
    /** By name and token: a token is unique for one name only (the token ring counts per name). */
    private final Map<HoldKey, Record> records = new HashMap<>();

    public HoldRecords(Durable storage, double rho) {
        this.storage = storage;
        this.rho = rho;
    }

    public void restore(long nowNanos) {
        records.clear();
        for (var e : storage.scan(PREFIX).entrySet()) {
            String[] f = e.getValue().split(String.valueOf(SEP), -1);
            if (f.length != 4) continue;
            HoldInfo h = new HoldInfo(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[3]));
            HoldKey k = HoldKey.of(h);
            if (!e.getKey().equals(key(k))) { // stored by token alone (before 2026-12): move it
                storage.remove(e.getKey());
                storage.put(key(k), e.getValue());
            }
            records.put(k, new Record(h, nowNanos + stretch(h.leaseMs())));
        }
    }

    /** A grant or renewal of {@code h} (its full {@code leaseMs} from now, at the latest). Durable in this step. */
    public void record(HoldInfo h, long nowNanos) {
        long end = nowNanos + stretch(h.leaseMs());
        HoldKey k = HoldKey.of(h);
        Record old = records.get(k);
        if (old != null && old.endNanos() >= end) return;
        if (old == null) {
            storage.put(key(k), String.join(String.valueOf(SEP), h.name(), h.owner(),
                    Long.toString(h.token()), Long.toString(h.leaseMs())));
        }
        records.put(k, new Record(h, end));
    }

    /** The hold ended at its acting node (released or expired there). */
    public void ended(HoldKey hold) {
        if (records.remove(hold) != null) storage.remove(key(hold));
    }

    /** Every record still running, remaining time on this node's clock; drops the ones that ended. */
    public List<HoldInfo> report(long nowNanos) {
        List<HoldInfo> out = new ArrayList<>();
        for (var it = records.values().iterator(); it.hasNext(); ) {
            Record r = it.next();
            if (r.endNanos() <= nowNanos) {
                it.remove();
                storage.remove(key(HoldKey.of(r.hold())));
                continue;
            }
            HoldInfo h = r.hold();
            out.add(new HoldInfo(h.name(), h.owner(), h.token(), h.leaseMs(),
                    (r.endNanos() - nowNanos + 999_999) / 1_000_000));
        }
        return out;
    }

    private static String key(HoldKey k) {
        return PREFIX + k.token() + SEP + k.name();
    }

    private long stretch(long ms) {
        return (long) Math.ceil(ms * 1_000_000.0 * (1 + 2 * rho));
    }
}
