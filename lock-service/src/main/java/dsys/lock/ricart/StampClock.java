package dsys.lock.ricart;

import dsys.core.env.Durable;

/**
 * Ricart–Agrawala's Lamport clock. Request stamps double as the middle of fencing tokens, so they must never
 * repeat or fall back, also across crashes: a ceiling is persisted ahead of use (one write per {@value #STEP}
 * ticks) and a restarted node starts from it. Received stamps advance it too: a node that OK'd a request
 * stamps its own later requests higher, which is what makes entry order equal stamp order.
 */
final class StampClock {

    static final String KEY = "ra/clock";
    static final long STEP = 1024;
    private final Durable storage;
    private long value;
    private long ceiling;

    StampClock(Durable storage) {
        this.storage = storage;
        this.value = storage.get(KEY).map(Long::parseLong).orElse(0L);
        this.ceiling = value;
        reserve();
    }

    long tick() {
        value++;
        reserve();
        return value;
    }

    void witness(long stamp) {
        if (stamp > value) {
            value = stamp;
            reserve();
        }
    }

    private void reserve() {
        if (value >= ceiling) {
            ceiling = value + STEP;
            storage.put(KEY, Long.toString(ceiling));
        }
    }
}
