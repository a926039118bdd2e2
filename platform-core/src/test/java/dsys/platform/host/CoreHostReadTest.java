package dsys.platform.host;

import dsys.core.clock.DriftingClock;
import dsys.core.env.Core;
import dsys.core.env.RequestId;
import dsys.core.fault.FaultState;
import dsys.core.message.Message;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;
import dsys.platform.node.NodeIdentity;
import dsys.platform.storage.FileDurable;
import dsys.platform.web.ProblemException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A read queues behind whatever the serial section is doing (at start: cores loading their state) and waits as told. */
class CoreHostReadTest {

    @TempDir
    Path dir;
    NodeRuntime node;
    CoreHost host;

    /** A core whose whole state is one number. */
    static final class Answer implements Core {
        final int value = 42;

        @Override
        public void onRequest(RequestId request, Object body) {
        }

        @Override
        public void onMessage(NodeId from, Message message) {
        }
    }

    @BeforeEach
    void start() {
        node = new NodeRuntime(new NodeIdentity(NodeId.of("n-1"), Membership.of("n-1"), "n"),
                DriftingClock.perfect(System::nanoTime), new FileDurable(dir), new FaultState(), e -> { });
        host = new CoreHosts(node).start("g", env -> new Answer());
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aReadBehindABusySectionTimesOutAtItsOwnWaitOrAnswersOnceTheSectionIsFree() throws Exception {
        CountDownLatch busy = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread holder = new Thread(() -> node.run(() -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        holder.start();
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> host.read(core -> ((Answer) core).value, Duration.ofMillis(200)))
                .isInstanceOf(ProblemException.class).hasMessageContaining("within 200 ms");

        CompletableFuture<Integer> patient = CompletableFuture.supplyAsync(
                () -> host.read(core -> ((Answer) core).value, Duration.ofSeconds(30)), r -> new Thread(r).start());
        assertThat(patient).isNotDone(); // still behind the busy task
        release.countDown();
        assertThat(patient.get(10, TimeUnit.SECONDS)).isEqualTo(42);
        holder.join(5_000);
    }
}
