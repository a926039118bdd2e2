package dsys.time.ntp;

/**
 * One on-wire measurement (RFC 5905 §8): offset θ = ((T2 − T1) + (T3 − T4))/2 and round-trip delay
 * δ = (T4 − T1) − (T3 − T2). The server's clock was within θ ± δ/2 of ours. {@code at} is T4 by our clock;
 * {@code serverRootDistance} is how far the server itself may be from true time when it answered.
 */
public record NtpSample(long offset, long delay, long at, int stratum, String refNode, long serverRootDelay,
                        long serverRootDistance, long serverRefTime) {

    public static NtpSample of(long t1, long t2, long t3, long t4, NtpMessage m) {
        long offset = Math.floorDiv((t2 - t1) + (t3 - t4), 2);
        long delay = (t4 - t1) - (t3 - t2);
        return new NtpSample(offset, Math.max(0, delay), t4, m.stratum(), m.refNode(), m.rootDelay(),
                m.rootDelay() / 2 + m.rootDispersion(), m.refTime());
    }

    /** After our clock moved by Δ, the server is Δ less ahead of us. */
    public NtpSample shifted(long delta) {
        return new NtpSample(offset - delta, delay, at, stratum, refNode, serverRootDelay, serverRootDistance, serverRefTime);
    }
}
