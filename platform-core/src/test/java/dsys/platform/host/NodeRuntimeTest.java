package dsys.platform.host;

import dsys.core.clock.DriftingClock;
import dsys.core.fault.FaultState;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;
import dsys.platform.node.NodeIdentity;
import dsys.platform.storage.FileDurable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's serial section: tasks from any thread run one at a time, in order, on whichever thread is free. */
class NodeRuntimeTest {

    @TempDir
    Path dir;
    NodeRuntime node;

    @BeforeEach
    void start() {
        NodeId self = NodeId.of("n-1");
        node = new NodeRuntime(new NodeIdentity(self, Membership.of("n-1"), "n"), DriftingClock.perfect(System::nanoTime),
                new FileDurable(dir), new FaultState(), e -> { });
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void tasksFromManyThreadsNeverOverlapAndKeepEachThreadsOrder() throws Exception {
        int threads = 4, each = 5000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] count = {0}; // plain field: only safe if tasks really run one at a time
        List<List<Integer>> seen = new ArrayList<>();
        for (int t = 0; t < threads; t++) seen.add(new ArrayList<>());
        CompletableFuture<?>[] producers = new CompletableFuture<?>[threads];
        for (int t = 0; t < threads; t++) {
            List<Integer> mine = seen.get(t);
            producers[t] = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < each; i++) {
                    int n = i;
                    node.run(() -> {
                        if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
                        count[0]++;
                        mine.add(n);
                        inside.decrementAndGet();
                    });
                }
            }, runnable -> new Thread(runnable).start());
        }
        CompletableFuture.allOf(producers).get(30, TimeUnit.SECONDS);
        assertThat(drained()).isTrue();
        assertThat(overlaps.get()).isZero();
        assertThat(count[0]).isEqualTo(threads * each);
        for (List<Integer> mine : seen) {
            assertThat(mine).hasSize(each);
            for (int i = 0; i < each; i++) assertThat(mine.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aTaskQueuedFromInsideATaskRunsAfterIt() throws Exception {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        node.run(() -> {
            order.add("outer start");
            node.run(() -> order.add("inner"));
            order.add("outer end");
        });
        assertThat(drained()).isTrue();
        assertThat(order).containsExactly("outer start", "outer end", "inner");
    }

    @Test
    void aCallerRunsAtMostTheInlineLimitAndLeavesTheRestToTheNodesThread() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ranOn = Collections.synchronizedList(new ArrayList<>());
        Thread first = new Thread(() -> node.run(() -> {
            ranOn.add(Thread.currentThread().getName());
            holding.countDown();
            await(release);
        }), "first-caller");
        first.start();
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
        int queued = 3 * NodeRuntime.INLINE_LIMIT;
        CountDownLatch all = new CountDownLatch(queued);
        for (int i = 0; i < queued; i++) {
            node.run(() -> {
                ranOn.add(Thread.currentThread().getName());
                all.countDown();
            });
        }
        assertThat(ranOn).as("the section is busy: queued tasks wait instead of running here").hasSize(1);
        release.countDown();
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOn).hasSize(queued + 1);
        assertThat(ranOn.stream().filter("first-caller"::equals).count()).isEqualTo(NodeRuntime.INLINE_LIMIT);
        assertThat(ranOn.stream().filter(n -> n.startsWith("dsys-core-n-1")).count()).isEqualTo(queued + 1 - NodeRuntime.INLINE_LIMIT);
    }

    @Test
    void aPausedNodeRunsNothingUntilThePauseEndsAndTheCallerDoesNotWait() throws Exception {
        long start = System.nanoTime();
        node.pause(1000);
        CompletableFuture<Long> ranAt = new CompletableFuture<>();
        node.run(() -> ranAt.complete(System.nanoTime()));
        long returned = System.nanoTime();
        assertThat(TimeUnit.NANOSECONDS.toMillis(returned - start)).as("the caller does not wait out the pause").isLessThan(1000);
        assertThat(TimeUnit.NANOSECONDS.toMillis(ranAt.get(5, TimeUnit.SECONDS) - start)).isGreaterThanOrEqualTo(1000);
    }

    /** True once a task queued now has run: everything queued before it has too. */
    private boolean drained() throws Exception {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        node.run(() -> done.complete(true));
        return done.get(10, TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
