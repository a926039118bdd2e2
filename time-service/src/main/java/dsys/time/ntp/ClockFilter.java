package dsys.time.ntp;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Optional;

/**
 * NTP's clock filter for one server: the last 8 samples, of which the one with the smallest round-trip delay is
 * the best (its offset has the tightest bound, δ/2). Samples taken before the server's clock was last corrected
 * (a new reference time) describe a clock that no longer exists and are dropped.
 */
public final class ClockFilter {

    public static final int SIZE = 8;

    private final ArrayDeque<NtpSample> samples = new ArrayDeque<>();

    public void add(NtpSample s) {
        if (!samples.isEmpty() && samples.peekLast().serverRefTime() != s.serverRefTime()) samples.clear();
        if (samples.size() == SIZE) samples.removeFirst();
        samples.addLast(s);
    }

    public Optional<NtpSample> best() {
        return samples.stream().min(Comparator.comparingLong(NtpSample::delay).thenComparingLong(s -> -s.at()));
    }

    public void shift(long delta) {
        ArrayDeque<NtpSample> shifted = new ArrayDeque<>();
        samples.forEach(s -> shifted.addLast(s.shifted(delta)));
        samples.clear();
        samples.addAll(shifted);
    }

    public int size() {
        return samples.size();
    }
}
