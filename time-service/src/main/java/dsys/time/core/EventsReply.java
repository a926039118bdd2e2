package dsys.time.core;

import dsys.core.message.Message;
import dsys.time.logical.LoggedEvent;

import java.util.List;

public record EventsReply(String gather, List<LoggedEvent> events) implements Message {
}
