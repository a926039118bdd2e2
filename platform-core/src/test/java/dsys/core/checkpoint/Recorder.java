package dsys.core.checkpoint;

import dsys.core.checkpoint.ChannelMessages.Transfer;
import dsys.core.env.Core;
import dsys.core.env.Durable;
import dsys.core.env.Env;
import dsys.core.env.ForwardingEnv;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Watches the cores from outside, in true order (one counter for everything, across nodes): the first time each
 * transfer is put on the network, the first time it reaches each node, every write to and removal from each
 * node's stable storage, and each message of a given type sent. A core is wrapped by the factory: it gets an Env
 * that records and passes everything on, and its onMessage is seen before it runs.
 */
final class Recorder {

    record Write(long order, String node, String key, String value) {
    }

    private long order;
    private final Map<String, Long> firstSend = new HashMap<>();
    private final Map<String, Long> arrival = new HashMap<>();
    private final List<Write> writes = new ArrayList<>();
    private final List<Object[]> sends = new ArrayList<>();

    Function<Env, Core> wrap(Function<Env, Core> factory) {
        return env -> new Observed(env, factory);
    }

    @SuppressWarnings("unchecked")
    static <C extends Core> C inner(Core c) {
        return (C) ((Observed) c).inner;
    }

    /** Order of the first send of transfer {@code id} (Long.MAX_VALUE: never sent). */
    long firstSend(String id) {
        return firstSend.getOrDefault(id, Long.MAX_VALUE);
    }

    /** Order of the first arrival of transfer {@code id} at {@code node} (Long.MAX_VALUE: never). */
    long arrival(String node, String id) {
        return arrival.getOrDefault(node + " " + id, Long.MAX_VALUE);
    }

    List<Write> writes() {
        return writes;
    }

    /** {@code node}'s storage as it was just before {@code at}. */
    SortedMap<String, String> disk(String node, long at) {
        TreeMap<String, String> d = new TreeMap<>();
        for (Write w : writes) {
            if (w.order() >= at) break;
            if (!w.node().equals(node)) continue;
            if (w.value() == null) d.remove(w.key());
            else d.put(w.key(), w.value());
        }
        return d;
    }

    /** The messages of type {@code type} sent by {@code node}, with the order of each send. */
    <M> List<Map.Entry<Long, M>> sent(String node, Class<M> type) {
        List<Map.Entry<Long, M>> out = new ArrayList<>();
        for (Object[] s : sends) if (s[1].equals(node) && type.isInstance(s[2])) out.add(Map.entry((Long) s[0], type.cast(s[2])));
        return out;
    }

    private final class Observed implements Core {
        final Core inner;
        final String node;

        Observed(Env env, Function<Env, Core> factory) {
            node = env.self().value();
            inner = factory.apply(new RecordingEnv(env));
        }

        @Override
        public void onStart() {
            inner.onStart();
        }

        @Override
        public void onRecover() {
            inner.onRecover();
        }

        @Override
        public void onRequest(RequestId request, Object body) {
            inner.onRequest(request, body);
        }

        @Override
        public void onMessage(NodeId from, Message m) {
            if (m instanceof Transfer t) arrival.putIfAbsent(node + " " + t.id(), ++order);
            inner.onMessage(from, m);
        }

        @Override
        public void onTimer(Object timer) {
            inner.onTimer(timer);
        }
    }

    private final class RecordingEnv extends ForwardingEnv {
        final String node;
        final Durable storage;

        RecordingEnv(Env env) {
            super(env);
            this.node = env.self().value();
            Durable disk = env.storage();
            this.storage = new Durable() {
                @Override
                public void put(String key, String value) {
                    writes.add(new Write(++order, node, key, value));
                    disk.put(key, value);
                }

                @Override
                public Optional<String> get(String key) {
                    return disk.get(key);
                }

                @Override
                public void remove(String key) {
                    writes.add(new Write(++order, node, key, null));
                    disk.remove(key);
                }

                @Override
                public SortedMap<String, String> scan(String prefix) {
                    return disk.scan(prefix);
                }
            };
        }

        @Override
        public void send(NodeId to, Message m) {
            long o = ++order;
            if (m instanceof Transfer t) firstSend.putIfAbsent(t.id(), o);
            sends.add(new Object[]{o, node, m});
            env.send(to, m);
        }

        @Override
        public Durable storage() {
            return storage;
        }

    }
}
