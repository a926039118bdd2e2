package dsys.lock.byzantine;

import java.util.ArrayList;
import java.util.List;

/**
 * What one general ended with, as plain lists (a live general sends it to the node that asked): the step-2
 * vector, the step-3 vectors it received (index j: what j sent; j's own place shows what j said in round 1),
 * the step-4 result and the decision.
 */
public record GeneralReport(int index, boolean loyal, List<String> vector, List<List<String>> received,
                            List<String> result, String decision) {

    public static GeneralReport of(ByzantineGeneral g, int index, int n) {
        List<String> vector = g.vector();
        List<List<String>> received = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            List<String> v = new ArrayList<>(g.vectorFrom(j));
            v.set(j, vector.get(j));
            received.add(v);
        }
        return new GeneralReport(index, g.loyal(), vector, received, g.result(), g.decision());
    }
}
