package dsys.core.env;

/** A scheduled timer, to cancel it. */
public record TimerId(long value) {
}
