package dsys.platform.host;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Delayed work runs on one thread, however many tasks: none starts a thread of its own. */
class DelaysTest {

    @Test
    void manyDelayedTasksRunOnTheOneDelayThread() throws InterruptedException {
        int tasks = 300;
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            if (i % 2 == 0) {
                Delays.run(1 + i % 5, () -> {
                    ran.add(Thread.currentThread());
                    done.countDown();
                });
            } else {
                Delays.after(1 + i % 5).thenRun(() -> {
                    ran.add(Thread.currentThread());
                    done.countDown();
                });
            }
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(1);
        assertThat(ran.iterator().next().getName()).isEqualTo("dsys-delays");
        assertThat(ran.iterator().next().isDaemon()).isTrue();
    }

    @Test
    void afterWaitsAtLeastItsDelay() {
        long start = System.nanoTime();
        Delays.after(30).join();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(30);
    }
}
