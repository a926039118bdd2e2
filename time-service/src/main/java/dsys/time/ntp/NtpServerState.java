package dsys.time.ntp;

/**
 * What this node's NTP server advertises, published by the core and read by the UDP server thread.
 * Times are in the node's hardware clock (nanoseconds since the epoch).
 */
public final class NtpServerState {

    public record Snapshot(int stratum, String refNode, long rootDelayNanos, long rootDispersionNanos,
                           long refTimeNanos, boolean reference) {
    }

    private volatile Snapshot snapshot = new Snapshot(NtpMode.UNSYNCHRONIZED, null, 0, 0, 0, false);

    public Snapshot get() {
        return snapshot;
    }

    public void set(Snapshot s) {
        snapshot = s;
    }
}
