package dsys.platform.transport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Lets a kind of log line through at most once per period: a peer that keeps failing must not flood the log. */
final class LogLimiter {

    private final long periodNanos;
    private final AtomicLong last;

    LogLimiter(Duration period) {
        this.periodNanos = period.toNanos();
        this.last = new AtomicLong(System.nanoTime() - periodNanos);
    }

    boolean allow() {
        long now = System.nanoTime();
        long before = last.get();
        return now - before >= periodNanos && last.compareAndSet(before, now);
    }
}
