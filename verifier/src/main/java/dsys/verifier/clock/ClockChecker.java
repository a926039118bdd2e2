package dsys.verifier.clock;

import dsys.verifier.CheckResult;
import dsys.verifier.Violations;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Physical clock synchronization claims. Samples are taken from the nodes' clocks against a
 * reference time (the simulator's true time, or the NTP server's).
 */
public final class ClockChecker {
    private ClockChecker() {
    }

    /**
     * External synchronization: from {@code convergedAfter} (reference time) on, every
     * sample's |offset| ≤ {@code epsilon}; and at no time does a node's clock run backwards
     * (corrections must slew).
     */
    public static CheckResult check(List<ClockSample> samples, long epsilon, long convergedAfter) {
        Violations v = new Violations();
        for (ClockSample s : samples) {
            if (s.trueTime() >= convergedAfter && Math.abs(s.offset()) > epsilon) {
                v.add(s.node() + " at " + s.trueTime() + ": offset " + s.offset() + " exceeds the bound " + epsilon);
            }
        }
        monotonic(samples, v);
        return v.result();
    }

    /**
     * Internal synchronization (Berkeley): from {@code convergedAfter} on, samples taken at
     * the same reference time differ by at most {@code delta}; clocks never run backwards.
     */
    public static CheckResult checkSkew(List<ClockSample> samples, long delta, long convergedAfter) {
        Violations v = new Violations();
        Map<Long, List<ClockSample>> byTime = new TreeMap<>();
        for (ClockSample s : samples) {
            if (s.trueTime() >= convergedAfter) byTime.computeIfAbsent(s.trueTime(), t -> new ArrayList<>()).add(s);
        }
        byTime.forEach((t, group) -> {
            ClockSample min = group.stream().min(Comparator.comparingLong(ClockSample::clockTime)).orElseThrow();
            ClockSample max = group.stream().max(Comparator.comparingLong(ClockSample::clockTime)).orElseThrow();
            if (max.clockTime() - min.clockTime() > delta) {
                v.add("at " + t + ": " + max.node() + " and " + min.node() + " differ by "
                        + (max.clockTime() - min.clockTime()) + ", more than " + delta);
            }
        });
        monotonic(samples, v);
        return v.result();
    }

    private static void monotonic(List<ClockSample> samples, Violations v) {
        Map<String, List<ClockSample>> byNode = new LinkedHashMap<>();
        for (ClockSample s : samples) byNode.computeIfAbsent(s.node(), n -> new ArrayList<>()).add(s);
        byNode.forEach((node, list) -> {
            List<ClockSample> sorted = new ArrayList<>(list);
            sorted.sort(Comparator.comparingLong(ClockSample::trueTime));
            for (int i = 1; i < sorted.size(); i++) {
                ClockSample a = sorted.get(i - 1);
                ClockSample b = sorted.get(i);
                if (b.clockTime() < a.clockTime()) {
                    v.add(node + " ran backwards by " + (a.clockTime() - b.clockTime()) + " between " + a.trueTime()
                            + " and " + b.trueTime());
                }
            }
        });
    }
}
