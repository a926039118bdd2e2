package dsys.core.commit;

import dsys.core.env.Env;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A resource manager whose prepares finish later, shaped like kv's {@code RegisterResources}: the participant's record
 * of what a transaction asked to lock is written when prepare starts; the locks and intents (a {@link KeyValueResources}
 * over the same disk) land when a random delay of up to {@code max} is over (a timer back to the participant), whether
 * or not that record is still there, as lock requests already on their way to a key's replicas do. Commit and abort
 * end what the record names and drop it; one that finds no record does nothing. So an end that comes while the locks
 * are still on their way leaves them held for good, and only the participant's rule keeps that from happening: it does
 * not end a transaction whose prepare is running, and undoes it when the prepare answers.
 */
final class DelayedResources implements ResourceManager {

    private static final String ASKED = "rm.asked.";

    private final Env env;
    private final KeyValueResources store;
    private final long maxNanos;

    DelayedResources(Env env, Duration max) {
        this.env = env;
        this.store = new KeyValueResources(env.storage());
        this.maxNanos = max.toNanos();
    }

    @Override
    public void prepare(String txn, List<TxnOp> ops, Consumer<String> done) {
        env.storage().putLazily(ASKED + txn, "1"); // lazily, as kv's record: the participant forces it before its vote
        Duration later = Duration.ofNanos(env.random().nextLong(maxNanos + 1));
        env.after(later, new Completion(() -> store.prepare(txn, ops, refusal -> {
            if (refusal != null) env.storage().remove(ASKED + txn); // nothing was locked
            done.accept(refusal);
        })));
    }

    @Override
    public void commit(String txn) {
        if (env.storage().get(ASKED + txn).isEmpty()) return;
        store.commit(txn);
        env.storage().remove(ASKED + txn);
    }

    @Override
    public void abort(String txn) {
        if (env.storage().get(ASKED + txn).isEmpty()) return;
        store.abort(txn);
        env.storage().remove(ASKED + txn);
    }

    @Override
    public List<TxnRead> reads(String txn) {
        return store.reads(txn);
    }

    @Override
    public void recover() {
        store.recover();
    }

    @Override
    public Set<String> prepared() {
        Set<String> out = new TreeSet<>();
        for (String k : env.storage().scan(ASKED).keySet()) out.add(k.substring(ASKED.length()));
        return out;
    }

    @Override
    public Map<String, String> locks() {
        return store.locks();
    }
}
