package dsys.core.fault;

/** What the fault layer decided for one message: how many copies to deliver (0 = dropped) and after what delay. */
public record Delivery(int copies, long delayMs, String reason) {

    public static final Delivery NORMAL = new Delivery(1, 0, "");

    public static Delivery dropped(String reason) {
        return new Delivery(0, 0, reason);
    }

    public boolean dropped() {
        return copies == 0;
    }
}
