package dsys.verifier.cli;

/** Bad command line or unreadable input: reported on stderr, exit 2, no verdict. */
final class UsageException extends RuntimeException {
    final boolean showUsage;

    UsageException(String message) {
        this(message, false);
    }

    UsageException(String message, boolean showUsage) {
        super(message);
        this.showUsage = showUsage;
    }
}
