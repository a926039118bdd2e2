package dsys.core.checkpoint;

/**
 * One edge of the message-dependency record of independent checkpointing: a message sent by {@code from} in its
 * checkpoint interval {@code sendInterval} (after its checkpoint number {@code sendInterval}, before the next) and
 * received by {@code to} in its interval {@code receiveInterval}. The receiver records it (the sender's interval
 * comes piggybacked on the message) and keeps it with its next checkpoint.
 */
public record Dependency(String from, int sendInterval, String to, int receiveInterval) {

    String encode() {
        return from + "/" + sendInterval + "/" + receiveInterval;
    }

    static Dependency decode(String s, String to) {
        String[] f = s.split("/", -1);
        return new Dependency(f[0], Integer.parseInt(f[1]), to, Integer.parseInt(f[2]));
    }
}
