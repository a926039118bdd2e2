package dsys.time.schedule;

/** Request: stop the resynchronization schedule (wherever in the group it runs). */
public record ScheduleStop() {
}
