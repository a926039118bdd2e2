package dsys.launcher.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Setup and cleanup work of a benchmark (preload, deletes): items 0..n-1 on 16 client threads, each item tried up
 * to {@code attempts} times (a cold cluster on a busy host may time one out, and doing it again is harmless); the
 * first item that fails every attempt stops the rest.
 */
final class Each {

    interface Item {
        void run(int i) throws Exception;
    }

    private Each() {
    }

    /** Runs every item; {@code progress} gets the number done every 5 s while it runs. The done count. */
    static int run(String name, int n, int attempts, Item item, IntConsumer progress) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Exception> failed = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 16; w++) {
            Thread t = new Thread(() -> {
                for (int i; (i = next.getAndIncrement()) < n && failed.get() == null; ) {
                    for (int attempt = 1; ; attempt++) {
                        try {
                            item.run(i);
                            done.incrementAndGet();
                            break;
                        } catch (Exception e) {
                            if (attempt == attempts || e instanceof InterruptedException) {
                                failed.compareAndSet(null, e);
                                break;
                            }
                        }
                    }
                }
            }, "bench-" + name + "-" + w);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            while (t.isAlive()) {
                t.join(5_000);
                if (t.isAlive()) progress.accept(done.get());
            }
        }
        if (failed.get() != null) {
            throw new IllegalStateException(name + " stopped after " + done.get() + " of " + n + ": "
                    + failed.get().getMessage(), failed.get());
        }
        return done.get();
    }
}
