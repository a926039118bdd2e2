package dsys.time.averaging;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The mean after discarding the m highest and m lowest values (fewer when too few values are left). */
public final class TrimmedMean {

    private TrimmedMean() {
    }

    public static long of(List<Long> values, int m) {
        if (values.isEmpty()) throw new IllegalArgumentException("no values");
        List<Long> v = new ArrayList<>(values);
        Collections.sort(v);
        int cut = Math.max(0, Math.min(m, (v.size() - 1) / 2));
        double sum = 0;
        for (int i = cut; i < v.size() - cut; i++) sum += v.get(i);
        return Math.round(sum / (v.size() - 2 * cut));
    }
}
