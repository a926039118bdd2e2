package dsys.core.multicast;

/**
 * Feedback a member sent: {@code messages} counts one multicast once (the notes' model: IP multicast reaches the
 * group in one send), {@code envelopes} counts every copy our unicast transport carries; {@code toOrigin} the
 * envelopes that went to the message's origin (the implosion the feedback schemes are about).
 */
public final class FeedbackCount {

    private long messages;
    private long envelopes;
    private long toOrigin;

    void sent(int copies, boolean reachesOrigin) {
        messages++;
        envelopes += copies;
        if (reachesOrigin) toOrigin++;
    }

    public long messages() {
        return messages;
    }

    public long envelopes() {
        return envelopes;
    }

    public long toOrigin() {
        return toOrigin;
    }
}
