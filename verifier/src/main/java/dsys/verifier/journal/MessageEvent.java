package dsys.verifier.journal;

import java.util.Map;

/**
 * One line of a message journal: a node sent a message to a peer, or received one from it.
 * {@code lamport}, {@code vector} and {@code time} are null when the writer did not record
 * them. The receive of a message carries the receiver's clocks after the receive rule.
 */
public record MessageEvent(Kind event, String node, String peer, String msgId, String type,
                           Long lamport, Map<String, Long> vector, Long time) {

    public enum Kind {
        SEND, RECEIVE;

        public String json() {
            return this == SEND ? "send" : "receive";
        }
    }

    public MessageEvent {
        vector = vector == null ? null : Map.copyOf(vector);
    }

    public static MessageEvent send(String node, String peer, String msgId, String type, Long lamport,
                                    Map<String, Long> vector, Long time) {
        return new MessageEvent(Kind.SEND, node, peer, msgId, type, lamport, vector, time);
    }

    public static MessageEvent receive(String node, String peer, String msgId, String type, Long lamport,
                                       Map<String, Long> vector, Long time) {
        return new MessageEvent(Kind.RECEIVE, node, peer, msgId, type, lamport, vector, time);
    }

    public boolean isSend() {
        return event == Kind.SEND;
    }
}
