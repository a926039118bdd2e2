package dsys.platform.storage;

/**
 * A write or fsync failed. The node stops using its storage for good (fail-stop): after a failed fsync Linux may
 * already have dropped the dirty pages and report success on a retry, so nothing written since the last good
 * fsync can be trusted. A restart replays the log from what is really on disk.
 */
public final class StorageFailedException extends RuntimeException {
    public StorageFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
