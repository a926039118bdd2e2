package dsys.kv.api;

import dsys.core.checkpoint.live.CheckpointedCore;
import dsys.core.checkpoint.live.Codec;
import dsys.core.checkpoint.live.ParticipantConfig;
import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.node.NodeId;
import dsys.kv.mode.KvCore;
import dsys.kv.quorum.TxnLocksOnRestore;

import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * Which keyspaces' replica cores take part in checkpoints (txn-1's /api/txn/checkpoints), and how they are wrapped
 * for it ({@link CheckpointedCore}): their state is their storage under {@code kvq/<keyspace>/}, their checkpoints
 * live under {@code ckpt/kv-<keyspace>/}, and a restore drops transaction locks ({@link TxnLocksOnRestore}).
 */
final class KvCheckpoints {

    private final KvProperties.Checkpoint props;
    private final Set<String> keyspaces;
    private final Codec codec;

    KvCheckpoints(KvProperties.Checkpoint props, Codec codec) {
        this.props = props;
        this.keyspaces = Set.copyOf(props.getKeyspaces());
        this.codec = codec;
    }

    /** The keyspace's core as the host runs it: wrapped if the keyspace takes part, else as it is. */
    Function<Env, Core> core(String keyspace, Function<Env, Core> store) {
        if (!keyspaces.contains(keyspace)) return store;
        ParticipantConfig c = new ParticipantConfig("kvq/" + keyspace + "/", "ckpt/kv-" + keyspace + "/",
                NodeId.of(props.getInitiator()), codec, new TxnLocksOnRestore(keyspace),
                props.getIndependentEveryMs() > 0 ? Duration.ofMillis(props.getIndependentEveryMs()) : null,
                props.getKeep(), Duration.ofMillis(props.getBlockLimitMs()));
        return env -> new CheckpointedCore(env, c, store);
    }

    /** The keyspace's core inside a core the host runs (wrapped or not). */
    static KvCore store(Core core) {
        return (KvCore) (core instanceof CheckpointedCore c ? c.inner() : core);
    }
}
