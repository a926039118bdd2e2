package dsys.platform.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns a core's cumulative tallies into Micrometer counter increments, once a second, on its own daemon thread:
 * the cores count in plain longs inside their serial section, and a scrape never waits for that section.
 */
public final class TallyPoller implements AutoCloseable {

    private final Map<String, Long> seen = new HashMap<>();
    private final ScheduledExecutorService poller;

    /** Starts calling {@code poll} every second; it runs on one thread, so it may call {@link #delta} freely. */
    public TallyPoller(String threadName, Runnable poll) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(poll, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * How much the tally named {@code key} grew since the last call. Counters only grow; a core restart resets its
     * tallies, so a drop restarts the baseline (the new total counts whole).
     */
    public long delta(String key, long total) {
        long before = seen.getOrDefault(key, 0L);
        seen.put(key, total);
        return total >= before ? total - before : total;
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
