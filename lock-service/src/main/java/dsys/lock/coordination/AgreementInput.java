package dsys.lock.coordination;

import dsys.core.env.Rejection;
import dsys.lock.byzantine.ByzantineAgreement;
import dsys.lock.byzantine.ByzantineGeneral;
import dsys.lock.byzantine.TraitorStrategy;
import dsys.lock.coordination.CoordinationRequests.RunAgreement;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A checked agreement request: every bad input is a 400 that says what would be right. */
record AgreementInput(List<String> generals, Map<String, String> values, Set<String> traitors, int rounds, long seed,
                      String strategy) {

    static final int MAX_GENERALS = 12;
    static final long MAX_TREE = 20_000; // EIG entries per general: n·(n−1)·… over the rounds

    /** The validated input, or the {@link Rejection} to answer. */
    static Object check(RunAgreement r, long defaultSeed) {
        if (r == null || r.values() == null || r.values().isEmpty()) {
            return Rejection.badRequest("values must name the generals and their values, e.g. {\"values\": {\"lock-1\": \"attack\", \"lock-2\": \"retreat\"}, \"traitors\": [\"lock-3\"]}");
        }
        List<String> generals = new ArrayList<>(r.values().keySet());
        if (generals.size() > MAX_GENERALS) {
            return Rejection.badRequest("at most " + MAX_GENERALS + " generals, got " + generals.size());
        }
        for (String g : generals) {
            String v = r.values().get(g);
            if (g == null || g.isBlank()) return Rejection.badRequest("a general's name must not be blank");
            if (v == null || v.isBlank()) return Rejection.badRequest("general " + g + " has no value");
            if (v.equals(ByzantineGeneral.UNKNOWN)) {
                return Rejection.badRequest("general " + g + ": \"" + ByzantineGeneral.UNKNOWN + "\" is reserved for 'no majority'");
            }
        }
        Set<String> traitors = new LinkedHashSet<>(r.traitors() == null ? List.of() : r.traitors());
        List<String> strangers = traitors.stream().filter(t -> !r.values().containsKey(t)).toList();
        if (!strangers.isEmpty()) {
            return Rejection.badRequest("traitors " + strangers + " are not among the generals " + generals
                    + ": every traitor must also have a value");
        }
        int rounds = r.rounds() == null ? ByzantineAgreement.roundsFor(traitors.size()) : r.rounds();
        if (rounds < 1 || rounds > generals.size()) {
            return Rejection.badRequest("rounds must be within 1.." + generals.size() + " (default m+1), was " + rounds);
        }
        if (ByzantineGeneral.treeSize(generals.size(), rounds) > MAX_TREE) {
            return Rejection.badRequest(generals.size() + " generals over " + rounds + " rounds need "
                    + ByzantineGeneral.treeSize(generals.size(), rounds) + " relayed values per general; the limit is " + MAX_TREE);
        }
        String strategy = r.strategy() == null ? "random" : r.strategy();
        if (!strategy.equals("random") && !strategy.equals("letters")) {
            return Rejection.badRequest("strategy must be \"random\" (arbitrary lies) or \"letters\" (the notes' figure), was \"" + strategy + "\"");
        }
        return new AgreementInput(List.copyOf(generals), Map.copyOf(r.values()), Set.copyOf(traitors), rounds,
                r.seed() == null ? defaultSeed : r.seed(), strategy);
    }

    /** The traitors' behaviour; the same on every node for the same input, so live runs replay. */
    TraitorStrategy liar() {
        if (strategy.equals("letters")) return TraitorStrategy.letters(generals.size());
        Set<String> domain = new LinkedHashSet<>(generals.stream().map(values::get).toList());
        domain.add("x");
        return TraitorStrategy.random(seed, List.copyOf(domain));
    }
}
