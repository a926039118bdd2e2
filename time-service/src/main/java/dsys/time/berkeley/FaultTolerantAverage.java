package dsys.time.berkeley;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The Berkeley average: clocks further than {@code maxDeviation} from the median are left out of it. */
public record FaultTolerantAverage(long average, long median, List<String> included, List<String> ignored) {

    public static FaultTolerantAverage of(Map<String, Long> offsets, long maxDeviation) {
        if (offsets.isEmpty()) throw new IllegalArgumentException("no clocks to average");
        List<Long> sorted = new ArrayList<>(offsets.values());
        Collections.sort(sorted);
        int n = sorted.size();
        // The lower median for even n keeps the result one of the readings (no overflow in the mean of two).
        long median = sorted.get((n - 1) / 2);
        List<String> included = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        long sum = 0;
        for (Map.Entry<String, Long> e : new TreeMap<>(offsets).entrySet()) {
            if (Math.abs(e.getValue() - median) <= maxDeviation) {
                included.add(e.getKey());
                sum += e.getValue();
            } else {
                ignored.add(e.getKey());
            }
        }
        return new FaultTolerantAverage(Math.round((double) sum / included.size()), median, included, ignored);
    }
}
