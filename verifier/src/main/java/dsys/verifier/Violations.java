package dsys.verifier;

import java.util.ArrayList;
import java.util.List;

/** Collects violation messages, keeping the first few: one bad clock can fail thousands of samples. */
public final class Violations {
    private final int limit;
    private final List<String> messages = new ArrayList<>();
    private int dropped;

    public Violations(int limit) {
        this.limit = limit;
    }

    public Violations() {
        this(20);
    }

    public void add(String message) {
        if (messages.size() < limit) messages.add(message);
        else dropped++;
    }

    public CheckResult result() {
        List<String> all = new ArrayList<>(messages);
        if (dropped > 0) all.add("... and " + dropped + " more");
        return CheckResult.of(all);
    }
}
