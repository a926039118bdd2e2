package dsys.verifier.consistency;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** Which models a history satisfies; for each violated one, why. */
public record Classification(Map<ConsistencyModel, Boolean> holds, Map<ConsistencyModel, String> reasons) {

    public Classification {
        holds = Collections.unmodifiableMap(new EnumMap<>(holds));
        reasons = Collections.unmodifiableMap(reasons.isEmpty() ? Map.of() : new EnumMap<>(reasons));
    }

    public boolean satisfies(ConsistencyModel m) {
        return holds.get(m);
    }

    /** Strongest data-centric model that holds, or null when even PRAM fails. */
    public ConsistencyModel strongest() {
        for (ConsistencyModel m : ConsistencyModel.values()) {
            if (!m.isClientCentric() && holds.get(m)) return m;
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        holds.forEach((m, ok) -> {
            sb.append(String.format("%-20s %s", m.id(), ok ? "yes" : "no"));
            if (!ok) sb.append("  (").append(reasons.get(m)).append(')');
            sb.append(System.lineSeparator());
        });
        return sb.toString().stripTrailing();
    }
}
