package dsys.kv.quorum;

/**
 * The function a CASPaxos round applies to the register: a put or delete under an optional precondition
 * (If-Match), or the identity (a read that has to make what it saw chosen, an anti-entropy repair).
 */
record Change(Kind kind, String value, Ballot ifMatch) {

    enum Kind { PUT, DELETE, READ, REPAIR }

    static Change put(String value, Ballot ifMatch) {
        return new Change(Kind.PUT, value, ifMatch);
    }

    static Change delete(Ballot ifMatch) {
        return new Change(Kind.DELETE, null, ifMatch);
    }

    static Change read() {
        return new Change(Kind.READ, null, null);
    }

    static Change repair() {
        return new Change(Kind.REPAIR, null, null);
    }

    boolean writes() {
        return kind == Kind.PUT || kind == Kind.DELETE;
    }

    /** If-Match: absent for ZERO, else exactly this version of a present value; no precondition when null. */
    boolean holds(Versioned current) {
        if (ifMatch == null) return true;
        return ifMatch.zero() ? !current.present() : current.present() && current.version().equals(ifMatch);
    }

    /** The register after this change at {@code ballot}, made by operation {@code op}. */
    Versioned apply(Versioned current, Ballot ballot, String op) {
        return writes() && holds(current) ? current.next(ballot, value, op) : current;
    }

    /** The name the counters and events use: put, cas, delete, read, repair. */
    String label() {
        return kind == Kind.PUT && ifMatch != null ? "cas" : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
