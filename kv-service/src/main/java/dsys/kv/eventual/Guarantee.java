package dsys.kv.eventual;

import dsys.kv.quorum.Ballot;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The client-centric consistency guarantees (notes §2.2 以客户为中心的一致性), per data item as the notes define
 * them. Each names which of the session's versions of the key a replica must already hold to serve the request:
 * what the session read of it, or what it wrote.
 */
public enum Guarantee {
    /** 单调读: a read returns the version the session last read of the key, or a newer one. */
    MONOTONIC_READS("monotonic-reads", true, false),
    /** 单调写: a write is ordered after the session's earlier writes of the key (so it cannot lose to them). */
    MONOTONIC_WRITES("monotonic-writes", false, true),
    /** 读写一致 (读你所写): a read sees the session's own writes of the key. */
    READ_YOUR_WRITES("read-your-writes", true, true),
    /** 写读一致: a write is ordered after the version of the key the session read (it takes place on it or later). */
    WRITES_FOLLOW_READS("writes-follow-reads", false, false);

    public final String label;
    /** Whether it constrains reads (else writes). */
    final boolean onReads;
    /** Whether the replica must hold the session's written version of the key (else its read version). */
    final boolean needsWritten;

    Guarantee(String label, boolean onReads, boolean needsWritten) {
        this.label = label;
        this.onReads = onReads;
        this.needsWritten = needsWritten;
    }

    /** The version of the key a replica must hold to serve {@code r} under this guarantee (ZERO: nothing). */
    Ballot needed(SessionRequest r) {
        boolean read = r.request() instanceof dsys.kv.quorum.KvRequests.Get;
        if (read != onReads) return Ballot.ZERO;
        return needsWritten ? r.written() : r.read();
    }

    public static String valid() {
        return Arrays.stream(values()).map(g -> g.label).collect(Collectors.joining(", "));
    }

    /** A comma-separated list such as {@code monotonic-reads, read-your-writes}; blank: none. */
    public static Set<Guarantee> parse(String header) {
        Set<Guarantee> out = EnumSet.noneOf(Guarantee.class);
        if (header == null || header.isBlank()) return out;
        for (String name : header.split(",")) {
            String n = name.strip().toLowerCase(java.util.Locale.ROOT);
            if (n.isEmpty()) continue;
            Guarantee g = Arrays.stream(values()).filter(x -> x.label.equals(n)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown session guarantee '" + name.strip()
                            + "'; valid: " + valid()));
            out.add(g);
        }
        return out;
    }
}
