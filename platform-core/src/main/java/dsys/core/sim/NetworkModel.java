package dsys.core.sim;

import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated network's faults. Mutable while a run goes on (a nemesis action may partition and heal); the
 * simulator asks {@link #canDeliver} when a message is sent and again when it arrives, so a partition also
 * cuts messages already in flight. Random choices use the simulation's generator, never one of their own.
 * Maps here are only looked up, never iterated, so their order cannot leak into a run.
 */
public final class NetworkModel {

    private long minDelay = 1_000_000;
    private long maxDelay = 10_000_000;
    private double loss;
    private double duplicate;
    private double reorder;
    private long reorderExtra;
    private final Map<NodeId, Integer> groups = new HashMap<>();
    private boolean partitioned;
    private final Set<Link> blocked = new HashSet<>();
    private final Set<NodeId> isolated = new HashSet<>();
    private final Map<Link, LinkFault> links = new HashMap<>();

    private record Link(NodeId from, NodeId to) {
    }

    private record LinkFault(double loss, long extraDelay) {
    }

    NetworkModel() {
    }

    /** Every copy of a message takes a delay drawn uniformly from [min, max]. */
    public NetworkModel delay(Duration min, Duration max) {
        long lo = nanos(min, "min delay"), hi = nanos(max, "max delay");
        if (lo > hi) throw new IllegalArgumentException("min delay " + min + " exceeds max delay " + max);
        minDelay = lo;
        maxDelay = hi;
        return this;
    }

    public NetworkModel loss(double p) {
        loss = probability(p, "loss");
        return this;
    }

    /** With probability p a message arrives twice; the copy draws its own delay. */
    public NetworkModel duplicate(double p) {
        duplicate = probability(p, "duplicate");
        return this;
    }

    /** With probability p a copy gets up to {@code extra} more delay, so later messages can overtake it. */
    public NetworkModel reorder(double p, Duration extra) {
        reorder = probability(p, "reorder");
        reorderExtra = nanos(extra, "reorder extra delay");
        return this;
    }

    /**
     * Nodes in different groups cannot talk, either way; nodes named in no group form one more group. Replaces an
     * earlier partition; no groups at all means no partition.
     */
    @SafeVarargs
    public final NetworkModel partition(Collection<NodeId>... groups) {
        this.groups.clear();
        for (int g = 0; g < groups.length; g++) {
            for (NodeId n : groups[g]) {
                Integer before = this.groups.put(Objects.requireNonNull(n), g);
                if (before != null && before != g) {
                    throw new IllegalArgumentException(n + " is named in two partition groups");
                }
            }
        }
        partitioned = groups.length > 0;
        return this;
    }

    /** One-way: {@code from} can no longer reach {@code to}; the other direction still works. */
    public NetworkModel block(NodeId from, NodeId to) {
        blocked.add(new Link(Objects.requireNonNull(from), Objects.requireNonNull(to)));
        return this;
    }

    /** Cuts {@code n} off from every other node, both ways (it can still message itself). */
    public NetworkModel isolate(NodeId n) {
        isolated.add(Objects.requireNonNull(n));
        return this;
    }

    /** Clears partitions, blocks and isolations; keeps the rates, delays and per-link faults. */
    public NetworkModel heal() {
        groups.clear();
        partitioned = false;
        blocked.clear();
        isolated.clear();
        return this;
    }

    /** A fault on one direction of one link, on top of the global rates; replaces an earlier one for that link. */
    public NetworkModel link(NodeId from, NodeId to, double loss, Duration extraDelay) {
        links.put(new Link(Objects.requireNonNull(from), Objects.requireNonNull(to)),
                new LinkFault(probability(loss, "link loss"), nanos(extraDelay, "link extra delay")));
        return this;
    }

    /** Removes every per-link fault. */
    public NetworkModel clearLinks() {
        links.clear();
        return this;
    }

    /** Whether partitions, blocks and isolations let {@code from} reach {@code to} now (rates aside). */
    public boolean canDeliver(NodeId from, NodeId to) {
        if (from.equals(to)) return true;
        if (isolated.contains(from) || isolated.contains(to)) return false;
        if (blocked.contains(new Link(from, to))) return false;
        return !partitioned || groups.getOrDefault(from, -1).equals(groups.getOrDefault(to, -1));
    }

    /**
     * The delays, in nanoseconds, of the copies to deliver: none when the message is lost, two when it is duplicated.
     * A message to self is never lost or duplicated, only delayed (a loopback).
     */
    long[] plan(NodeId from, NodeId to, SplittableRandom rng) {
        if (from.equals(to)) return new long[]{baseDelay(rng)};
        LinkFault link = links.get(new Link(from, to));
        boolean lost = rng.nextDouble() < loss;
        if (link != null && rng.nextDouble() < link.loss) lost = true;
        boolean twice = rng.nextDouble() < duplicate;
        if (lost) return new long[0];
        long extra = link == null ? 0 : link.extraDelay;
        return twice ? new long[]{copyDelay(rng) + extra, copyDelay(rng) + extra} : new long[]{copyDelay(rng) + extra};
    }

    private long copyDelay(SplittableRandom rng) {
        long d = baseDelay(rng);
        if (rng.nextDouble() < reorder && reorderExtra > 0) d += rng.nextLong(reorderExtra + 1);
        return d;
    }

    private long baseDelay(SplittableRandom rng) {
        return minDelay == maxDelay ? minDelay : rng.nextLong(minDelay, maxDelay + 1);
    }

    private static double probability(double p, String what) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(what + " must be within [0, 1], was " + p);
        return p;
    }

    private static long nanos(Duration d, String what) {
        if (d.isNegative()) throw new IllegalArgumentException(what + " must not be negative, was " + d);
        return d.toNanos();
    }

    @Override
    public String toString() {
        return "delay " + minDelay / 1e6 + ".." + maxDelay / 1e6 + " ms, loss " + loss + ", duplicate " + duplicate
                + ", reorder " + reorder + " (+" + reorderExtra / 1e6 + " ms)"
                + (partitioned ? ", partitioned" : "") + (blocked.isEmpty() ? "" : ", " + blocked.size() + " blocked")
                + (isolated.isEmpty() ? "" : ", isolated " + isolated.size()) + (links.isEmpty() ? "" : ", " + links.size() + " faulty links");
    }
}
