package dsys.core.multicast;

import java.util.Comparator;

/** A view's name: a number that grows with every view change, and the member that proposed it (breaks ties). */
public record ViewId(long epoch, String proposer) implements Comparable<ViewId> {

    private static final Comparator<ViewId> ORDER = Comparator.comparingLong(ViewId::epoch).thenComparing(ViewId::proposer);

    @Override
    public int compareTo(ViewId o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return epoch + "@" + proposer;
    }
}
