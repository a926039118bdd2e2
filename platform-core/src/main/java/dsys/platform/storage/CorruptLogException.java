package dsys.platform.storage;

/** The log on disk is damaged in a way a crash cannot explain; the node must not start on it. */
public final class CorruptLogException extends RuntimeException {
    public CorruptLogException(String message) {
        super(message);
    }
}
