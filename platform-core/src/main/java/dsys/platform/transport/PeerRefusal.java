package dsys.platform.transport;

/**
 * Why a node refused a peer's batch (or its whole stream): answered as a problem with {@link Reason#status}, counted
 * in {@code dsys.transport.rejected{reason}} and logged (see {@link Rejections}); nothing of the batch is delivered.
 */
public final class PeerRefusal extends Exception {

    public enum Reason {
        NOT_MEMBER(403, "not-member", "Not a member"),
        UNAUTHENTICATED(401, "unauthenticated", "Unauthenticated peer"),
        BAD_SIGNATURE(401, "bad-signature", "Bad batch signature"),
        STALE_STREAM(401, "stale-stream", "Stale message stream"),
        REPLAYED_STREAM(401, "replayed-stream", "Replayed message stream"),
        TOO_LARGE(413, "payload-too-large", "Payload too large"),
        CLOCK(400, "clock-out-of-bounds", "Logical time out of bounds"),
        MALFORMED(400, "bad-request", "Bad request"),
        UNKNOWN_GROUP(404, "unknown-group", "Unknown group");

        public final int status;
        public final String slug;
        public final String title;

        Reason(int status, String slug, String title) {
            this.status = status;
            this.slug = slug;
            this.title = title;
        }

        /** The {@code reason} tag of {@code dsys.transport.rejected}. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public PeerRefusal(Reason reason, String detail) {
        super(detail, null, false, false); // an answer, not a bug: no stack trace
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
