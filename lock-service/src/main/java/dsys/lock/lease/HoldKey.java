package dsys.lock.lease;

/**
 * A hold's identity across names. A fencing token orders the grants of one lock only (the token ring's counter is per
 * name), so two names can hold the same token value at once: whatever is keyed across names is keyed by both.
 */
public record HoldKey(String name, long token) {

    public static HoldKey of(HoldInfo h) {
        return new HoldKey(h.name(), h.token());
    }
}
