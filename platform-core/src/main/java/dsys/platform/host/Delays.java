package dsys.platform.host;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Short waits of the adapters (a lock asked again, a release sent alone), on one daemon thread. Not
 * {@code CompletableFuture.delayedExecutor(d, unit)}: its default executor is the common pool only when that has two
 * workers or more; on a two-core host it has one, and then every task gets a thread of its own. Measured on kv-1
 * under 64 clients: ~5 % of its CPU in starting threads (one per decided transaction's key, for the timer of its
 * deferred release), the threads numbered past 39,000 after a few benchmark runs.
 */
public final class Delays {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dsys-delays");
        t.setDaemon(true);
        return t;
    });

    private Delays() {
    }

    /** Completes after {@code ms} milliseconds, on the delay thread (where what depends on it then runs). */
    public static CompletableFuture<Void> after(long ms) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        TIMER.schedule(() -> f.complete(null), ms, TimeUnit.MILLISECONDS);
        return f;
    }

    /** Runs {@code task} after {@code ms} milliseconds on the delay thread: it must be short, every other wait waits for it. */
    public static void run(long ms, Runnable task) {
        TIMER.schedule(task, ms, TimeUnit.MILLISECONDS);
    }
}
