package dsys.core.clock;

import java.util.Comparator;

/** A Lamport time made total: equal times are ordered by node id (notes §5.2). */
public record LamportStamp(long time, String node) implements Comparable<LamportStamp> {

    private static final Comparator<LamportStamp> ORDER =
            Comparator.comparingLong(LamportStamp::time).thenComparing(LamportStamp::node);

    @Override
    public int compareTo(LamportStamp o) {
        return ORDER.compare(this, o);
    }
}
