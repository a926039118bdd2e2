package dsys.time.cristian;

import dsys.time.core.RoundMessage;

/** "What time is it?", sent at the client's T0. */
public record CristianRequest(String round, int seq) implements RoundMessage {
}
