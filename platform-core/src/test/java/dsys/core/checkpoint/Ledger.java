package dsys.core.checkpoint;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The test's own book of the money: every process's opening balance and every transfer the test asked for (id,
 * payer, payee, amount), whatever became of it. Consistency is judged against this, not against what the cores say.
 */
final class Ledger {

    record Issued(String id, String from, String to, long amount) {
    }

    private final TreeMap<String, Long> opening = new TreeMap<>();
    private final Map<String, Issued> issued = new HashMap<>();
    private int next;

    void open(String node, long balance) {
        opening.put(node, balance);
    }

    long opening(String node) {
        return opening.get(node);
    }

    long total() {
        return opening.values().stream().mapToLong(Long::longValue).sum();
    }

    Issued issue(String from, String to, long amount) {
        Issued i = new Issued("t" + ++next, from, to, amount);
        issued.put(i.id(), i);
        return i;
    }

    Issued get(String id) {
        return issued.get(id);
    }

    long amount(String id) {
        return issued.get(id).amount();
    }
}
