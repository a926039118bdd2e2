package dsys.core.fault;

/** Injected misbehaviour of one directed link (notes: the interceptor between a node and its network). */
public record LinkFault(String from, String to, double dropRate, long delayMs, long jitterMs, double duplicateRate) {

    public LinkFault {
        checkRate("dropRate", dropRate);
        checkRate("duplicateRate", duplicateRate);
        if (delayMs < 0 || delayMs > 60_000) throw new IllegalArgumentException("delayMs must be within 0..60000, was " + delayMs);
        if (jitterMs < 0 || jitterMs > 60_000) throw new IllegalArgumentException("jitterMs must be within 0..60000, was " + jitterMs);
    }

    private static void checkRate(String name, double r) {
        if (!(r >= 0 && r <= 1)) throw new IllegalArgumentException(name + " must be within 0..1, was " + r);
    }

    /** "*" matches any node. */
    public boolean matches(String f, String t) {
        return ("*".equals(from) || from.equals(f)) && ("*".equals(to) || to.equals(t));
    }
}
