package dsys.time.schedule;

import dsys.core.message.Message;

/** One schedule per group: a node that starts (or stops) one tells the others to stop theirs. */
public record ScheduleCancel(String by) implements Message {
}
