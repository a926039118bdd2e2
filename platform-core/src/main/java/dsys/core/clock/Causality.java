package dsys.core.clock;

/** How two vector timestamps relate (notes §5.3). */
public enum Causality {
    BEFORE, AFTER, CONCURRENT, EQUAL;

    public String wire() {
        return name().toLowerCase();
    }
}
