package dsys.platform.host;

import dsys.core.clock.DriftingClock;
import dsys.core.clock.VectorTime;
import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Envelope;
import dsys.core.message.Message;
import dsys.core.fault.FaultState;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;
import dsys.platform.node.NodeHealthIndicator;
import dsys.platform.node.NodeIdentity;
import dsys.platform.storage.FaultyDiskIo;
import dsys.platform.storage.FileDurable;
import dsys.platform.transport.MessageBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Status;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Nothing a step sends or answers leaves the node before that step's writes are on disk; a failed fsync stops it. */
class OutputCommitTest {

    @TempDir
    Path dir;
    final FaultyDiskIo io = new FaultyDiskIo();
    FileDurable storage;
    NodeRuntime node;

    void start() {
        storage = new FileDurable(dir, io, FileDurable.DEFAULT_MIN_REWRITE);
        node = new NodeRuntime(new NodeIdentity(NodeId.of("n-1"), Membership.of("n-1"), "n"),
                DriftingClock.perfect(System::nanoTime), storage, new FaultState(), e -> { });
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void anOutputProducedBeforeThePutOfItsStepWaitsForThatPutsFsync() throws Exception {
        start();
        List<Long> durableWhenReleased = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> appended = new CompletableFuture<>();
        node.run(() -> {
            node.output(() -> durableWhenReleased.add(storage.durable())); // sent first ...
            storage.put("promise", "7");                                   // ... then persisted, same step
            appended.complete(storage.appended());
        });
        drained();
        assertThat(durableWhenReleased).hasSize(1);
        assertThat(durableWhenReleased.get(0)).isGreaterThanOrEqualTo(appended.get(1, TimeUnit.SECONDS));
    }

    @Test
    void aStepThatWritesNothingIsNotDelayed() throws Exception {
        start();
        int before = io.forces();
        List<String> out = new CopyOnWriteArrayList<>();
        node.run(() -> node.output(() -> out.add("answer")));
        drained();
        assertThat(out).containsExactly("answer");
        assertThat(io.forces()).isEqualTo(before);
    }

    @Test
    void aWriteThatNoOutputWaitsForSharesTheFsyncOfTheNextStepThatSendsSomething() throws Exception {
        start();
        node.untoldSync(Duration.ofHours(1)); // only the next output may sync it here
        int before = io.forces();
        node.run(() -> storage.put("committed", "k@7")); // a commit mark: nobody is told
        drained();
        assertThat(io.forces()).as("no fsync of its own").isEqualTo(before);
        assertThat(storage.dirty()).isTrue();
        List<Long> durableWhenReleased = new CopyOnWriteArrayList<>();
        long written = storage.appended();
        node.run(() -> node.output(() -> durableWhenReleased.add(storage.durable()))); // writes nothing itself
        drained();
        assertThat(durableWhenReleased).as("released only once the earlier write was on disk")
                .containsExactly(written);
        assertThat(io.forces()).isEqualTo(before + 1);
    }

    @Test
    void aWriteThatNoOutputWaitsForIsOnDiskWithinTheBound() throws Exception {
        start();
        node.untoldSync(Duration.ofMillis(20));
        int before = io.forces();
        node.run(() -> storage.put("learned", "k@9"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (storage.dirty() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(storage.dirty()).as("synced by the bounded lazy sync").isFalse();
        assertThat(io.forces()).isEqualTo(before + 1);
    }

    @Test
    void aLazyWriteHoldsNoOutputAndTheNextForcedWriteTakesItToDisk() throws Exception {
        start();
        node.untoldSync(Duration.ofHours(1)); // only a forced write may sync it here
        int before = io.forces();
        List<Long> durableWhenReleased = new CopyOnWriteArrayList<>();
        node.run(() -> {
            storage.putLazily("init", "t-1");
            node.output(() -> durableWhenReleased.add(storage.durable()));
        });
        drained();
        assertThat(durableWhenReleased).as("released before the lazy write is on disk").containsExactly(0L);
        assertThat(io.forces()).isEqualTo(before);
        long lazy = storage.appended();
        node.run(() -> {
            storage.put("decision", "t-1 commit");
            node.output(() -> durableWhenReleased.add(storage.durable()));
        });
        drained();
        assertThat(durableWhenReleased.get(1)).as("the forced write's fsync covers the lazy one before it").isGreaterThan(lazy);
        assertThat(io.forces()).isEqualTo(before + 1);
        node.close();
        storage.close();
        FileDurable reopened = new FileDurable(dir, io, FileDurable.DEFAULT_MIN_REWRITE);
        assertThat(reopened.get("init")).contains("t-1");
        reopened.close();
    }

    @Test
    void forceLazyHoldsTheStepsOutputsUntilTheLazyWritesAreOnDiskAndNoLonger() throws Exception {
        start();
        node.untoldSync(Duration.ofHours(1));
        List<Long> durableWhenReleased = new CopyOnWriteArrayList<>();
        node.run(() -> storage.putLazily("ready", "t-4"));
        drained();
        long lazy = storage.appended();
        int before = io.forces();
        node.run(() -> {
            storage.forceLazy(); // the vote: READY must be on disk first
            node.output(() -> durableWhenReleased.add(storage.durable()));
        });
        drained();
        assertThat(durableWhenReleased).containsExactly(lazy);
        assertThat(io.forces()).isEqualTo(before + 1);

        node.run(() -> storage.putLazily("ready", "t-5"));
        node.run(() -> { // an fsync for other work (a forced write that is answered) takes it to disk
            storage.put("accepted", "k@3");
            node.output(() -> { });
        });
        drained();
        before = io.forces();
        node.run(() -> {
            storage.forceLazy();
            node.output(() -> durableWhenReleased.add(storage.durable()));
        });
        drained();
        assertThat(io.forces()).as("already on disk: no fsync of its own").isEqualTo(before);
        assertThat(durableWhenReleased).hasSize(2);
    }

    @Test
    void aLazyWriteNoForcedWriteFollowedIsLostWithAKill() throws Exception {
        start();
        node.untoldSync(Duration.ofHours(1));
        node.run(() -> storage.put("before", "1"));
        node.run(() -> node.output(() -> { })); // syncs "before"
        node.run(() -> storage.putLazily("init", "t-2"));
        drained();
        assertThat(storage.dirty()).isTrue();
        node.close(); // kill -9: no close of the storage, no sync
        FileDurable reopened = new FileDurable(dir, io, FileDurable.DEFAULT_MIN_REWRITE);
        assertThat(reopened.get("before")).contains("1");
        assertThat(reopened.get("init")).as("never forced, so a kill may lose it").isEmpty();
        reopened.close();
    }

    @Test
    void aLazyWriteIsOnDiskWithinTheUntoldBound() throws Exception {
        start();
        node.untoldSync(Duration.ofMillis(20));
        node.run(() -> {
            storage.putLazily("init", "t-3");
            node.output(() -> { });
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (storage.dirty() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(storage.dirty()).as("synced by the bounded lazy sync").isFalse();
    }

    @Test
    void aFailedFsyncReleasesNothingAndTheNodeStaysDownWithHealthDown() throws Exception {
        start();
        NodeHealthIndicator health = new NodeHealthIndicator(node);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        io.failForces();
        List<String> out = new CopyOnWriteArrayList<>();
        node.run(() -> {
            storage.put("grant", "lock-a");
            node.output(() -> out.add("granted"));
        });
        drained();
        assertThat(out).as("the grant was never on disk, so it is never announced").isEmpty();
        assertThat(node.crashed()).isTrue();
        assertThat(node.storageFailure()).isNotNull();
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.health().getDetails()).containsEntry("storage", "failed");
        node.restart();
        drained();
        assertThat(node.crashed()).as("fault-injection restart cannot revive failed storage").isTrue();
        node.run(() -> node.output(() -> out.add("later")));
        drained();
        assertThat(out).isEmpty();
    }

    @Test
    void aWriteErrorInsideACoreStopsTheNodeInsteadOfCarryingOn() throws Exception {
        start();
        io.diskFullAfter(0);
        storage.put("a", "1");
        List<String> out = new CopyOnWriteArrayList<>();
        node.run(() -> {
            try {
                storage.sync(); // fails: the disk is full
            } finally {
                node.output(() -> out.add("reply"));
            }
        });
        drained();
        assertThat(node.storageFailure()).isNotNull();
        assertThat(out).isEmpty();
    }

    /** A peer's messages that arrive in one read share one fsync; delivered one at a time, each paid its own. */
    @Test
    void messagesThatArriveTogetherShareOneFsync() throws Exception {
        start();
        node.untoldSync(Duration.ofHours(1));
        List<Integer> acked = new CopyOnWriteArrayList<>();
        startCore((env, m) -> {
            if (m instanceof Replicate r) {
                env.storage().put("k" + r.n(), "v");  // durable before ...
                env.send(env.self(), new Ack(r.n())); // ... the acknowledgement leaves
            } else if (m instanceof Ack a) {
                acked.add(a.n());
            }
        });
        drained();

        int before = io.forces();
        node.deliverAll(arrivals(0, 10));
        drained();
        assertThat(acked).hasSize(10);
        assertThat(io.forces() - before).as("fsyncs for 10 messages delivered together").isEqualTo(1);

        before = io.forces();
        for (MessageBatch.Received r : arrivals(10, 20)) node.deliver(r.group(), r.envelope());
        drained();
        assertThat(acked).hasSize(20);
        assertThat(io.forces() - before).as("fsyncs for 10 messages delivered one by one").isEqualTo(10);
    }

    @Test
    void aBatchNamingAGroupNoCoreRunsDeliversNothing() throws Exception {
        start();
        List<Message> got = new CopyOnWriteArrayList<>();
        startCore((env, m) -> got.add(m));
        List<MessageBatch.Received> batch = new ArrayList<>(arrivals(0, 2));
        batch.add(new MessageBatch.Received("nobody", batch.get(0).envelope()));
        assertThat(node.deliverAll(batch)).isEqualTo("nobody");
        drained();
        assertThat(got).isEmpty();
    }

    record Replicate(int n) implements Message {
    }

    record Ack(int n) implements Message {
    }

    /** A core in group "g" that hands every message to {@code onMessage}. */
    private void startCore(BiConsumer<Env, Message> onMessage) {
        new CoreHosts(node).start("g", env -> new Core() {
            @Override
            public void onRequest(RequestId request, Object body) {
            }

            @Override
            public void onMessage(NodeId from, Message m) {
                onMessage.accept(env, m);
            }
        });
    }

    private static List<MessageBatch.Received> arrivals(int from, int to) {
        List<MessageBatch.Received> out = new ArrayList<>();
        for (int n = from; n < to; n++) {
            out.add(new MessageBatch.Received("g", new Envelope("p-" + n, NodeId.of("n-2"), NodeId.of("n-1"), "Replicate",
                    n, VectorTime.ZERO, new Replicate(n))));
        }
        return out;
    }

    private void drained() throws Exception {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        node.execute(() -> done.complete(true)); // unguarded: also runs on a crashed node
        assertThat(done.get(10, TimeUnit.SECONDS)).isTrue();
    }
}
