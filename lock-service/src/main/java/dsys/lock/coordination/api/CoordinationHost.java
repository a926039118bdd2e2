package dsys.lock.coordination.api;

import dsys.lock.coordination.CoordinationCore;
import dsys.lock.coordination.CoordinationSnapshot;
import dsys.platform.host.CoreHost;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The coordination group's core on this node. A bean of its own type, so that it never competes with the lock
 * group's CoreHost for injection; {@link #snapshot()} reads the latest core's counters without a core-thread hop.
 */
public final class CoordinationHost {

    private final CoreHost host;
    private final AtomicReference<CoordinationCore> latest;

    CoordinationHost(CoreHost host, AtomicReference<CoordinationCore> latest) {
        this.host = host;
        this.latest = latest;
    }

    public CoreHost host() {
        return host;
    }

    public CoordinationSnapshot snapshot() {
        CoordinationCore c = latest.get();
        return c == null ? null : c.snapshot();
    }
}
