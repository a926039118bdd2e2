package dsys.verifier;

import dsys.verifier.history.History;
import dsys.verifier.history.Op;
import dsys.verifier.history.OpType;
import dsys.verifier.history.Values;

import java.util.ArrayList;
import java.util.List;

/**
 * Terse histories for tests, one op per line: {@code process type f key value}, where key
 * and value may be {@code -} (absent) and value is JSON: {@code "p1 invoke write x 1"}.
 */
public final class TestHistories {
    private TestHistories() {
    }

    public static History parse(String... lines) {
        List<Op> ops = new ArrayList<>();
        for (String line : lines) {
            for (String l : line.split("\n")) {
                if (l.isBlank()) continue;
                String[] t = l.trim().split("\\s+", 5);
                Object value = t.length < 5 || t[4].equals("-") ? null : json(t[4]);
                String key = t.length < 4 || t[3].equals("-") ? null : t[3];
                ops.add(new Op(ops.size(), ops.size(), t[0], null, OpType.parse(t[1]), t[2], key, value, null));
            }
        }
        return History.of(ops);
    }

    private static Object json(String s) {
        try {
            return Values.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(s));
        } catch (Exception e) {
            return s;
        }
    }
}
