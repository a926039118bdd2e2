package dsys.verifier.consistency;

import java.util.Locale;

/**
 * Consistency models the classifier decides, strongest data-centric first, then the
 * client-centric (session) guarantees. Definitions are in the README; in short, each asks for
 * a legal sequential order (a "view") of some ops that respects some constraints.
 */
public enum ConsistencyModel {
    STRICT("all ops, in the order of their invocations (absolute time)"),
    LINEARIZABLE("one order of all ops that respects real time"),
    SEQUENTIAL("one order of all ops that respects each process's program order"),
    CAUSAL("per process, an order of all writes and its reads that respects causality (program order + reads-from)"),
    PRAM("per process, an order of all writes and its own ops that respects every process's program order (FIFO)"),
    MONOTONIC_READS("per process, an order of all writes and its reads that keeps its reads in program order"),
    MONOTONIC_WRITES("as monotonic reads, and every process's writes in program order"),
    READ_YOUR_WRITES("per process, an order of all writes and its reads that puts its writes before its later reads"),
    WRITES_FOLLOW_READS("as monotonic reads, and a write after a read follows the write that read saw");

    private final String definition;

    ConsistencyModel(String definition) {
        this.definition = definition;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String definition() {
        return definition;
    }

    public boolean isClientCentric() {
        return ordinal() >= MONOTONIC_READS.ordinal();
    }

    /** By id ("causal", "read-your-writes", ...); "fifo" is PRAM. Null when unknown. */
    public static ConsistencyModel byId(String id) {
        if (id.equals("fifo")) return PRAM;
        for (ConsistencyModel m : values()) if (m.id().equals(id)) return m;
        return null;
    }
}
