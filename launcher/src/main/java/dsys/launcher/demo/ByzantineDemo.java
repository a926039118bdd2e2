package dsys.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Byzantine generals (notes 容错 §4.2.2), through {@code POST /api/coordination/agreement}: the notes' figure
 * (4 generals, general 3 lying), the three lock nodes as generals exchanging real messages (n = 3 < 3m + 1: no
 * agreement), and 7 generals with 2 traitors, where the notes' four steps (two rounds) fail and m + 1 rounds agree
 * (lock-service/docs/coordination.md, "Where the notes are incomplete").
 */
final class ByzantineDemo implements Demo {

    /** A seed at which two traitors among seven split the loyal generals after two rounds (found by trying seeds). */
    static final long SPLITTING_SEED = 27;
    /** A seed at which the lock nodes' run shows the n = 3 failure (a disagreement) rather than a lucky outcome. */
    static final long NODES_SEED = 1;

    @Override
    public void run(Stage s) throws Exception {
        Narrator say = s.say();
        Api api = s.api();
        say.console("the space-time diagram, filter byzantine. (the second step's messages between lock-1..3: round 1 "
                + "'byzantine.value', round 2 'byzantine.vector')");

        say.step("The notes' figure: 4 generals, general 3 is a traitor (容错 §4.2.2)");
        Api.Answer fig = agree(api, values("1", "1", "2", "2", "3", "3", "4", "4"), List.of("3"), Map.of("strategy", "letters"));
        say.call("POST /api/coordination/agreement {values: 1..4, traitors: [3], strategy: letters}", fig, outcome(fig));
        say.why("容错 §4.2.2", "(1) every general tells the n − 1 others its troops, a traitor lies differently to each; "
                + "(2) each builds the vector of what it got; (3) each sends its vector to the n − 1 others; (4) element i "
                + "of the result is the majority of the i-th elements received. 3m + 1 = 4 generals tolerate m = 1 traitor.");
        for (String g : List.of("1", "2", "4")) {
            JsonNode loyal = fig.json().path("loyal").path(g);
            say.say("general " + g + ": vector " + vector(loyal.path("vector")) + ", received " + received(loyal.path("received"))
                    + " → result " + vector(loyal.path("result")));
        }
        say.check(fig.ok() && allResults(fig, "(1, 2, UNKNOWN, 4)"), "every loyal general decides (1, 2, UNKNOWN, 4): "
                + "the loyal values agreed, the traitor's exposed as having no majority");
        say.check(fig.json().path("messages").path("count").asInt() == 2 * 4 * 3,
                "messages: " + fig.json().path("messages").path("byType") + " = 2 rounds × n(n − 1) = 24");

        say.step("The three lock nodes as generals, lock-3 a traitor: n = 3 < 3m + 1 = 4");
        Api.Answer nodes = agree(api, values("lock-1", "attack", "lock-2", "attack", "lock-3", "retreat"), List.of("lock-3"),
                Map.of("seed", NODES_SEED));
        say.call("POST /api/coordination/agreement {values: attack, attack, retreat; traitors: [lock-3]}", nodes, outcome(nodes));
        for (String g : List.of("lock-1", "lock-2")) {
            JsonNode loyal = nodes.json().path("loyal").path(g);
            say.say(g + ": result " + vector(loyal.path("result")) + ", decision " + loyal.path("decision").asText());
        }
        say.why("容错 §4.2.2", "the notes' reason: with N generals of whom f lie, a general can wait for N − f messages, f of "
                + "which may be lies, so N − f − f > f: N ≥ 3f + 1. With 3 generals and 1 traitor the two loyal ones cannot "
                + "even tell each other's value from the traitor's word.");
        say.check(nodes.ok() && "nodes".equals(nodes.field("mode")) && !nodes.json().path("agreementPossible").asBoolean(true),
                "the service says agreement is impossible (" + nodes.field("note") + ")");
        say.check(!(nodes.json().path("agreed").asBoolean() && nodes.json().path("valid").asBoolean()),
                "and so it goes: the loyal lock nodes " + (nodes.json().path("agreed").asBoolean() ? "agree on a wrong or UNKNOWN value" : "disagree")
                        + " (seed " + nodes.field("seed") + ", real messages " + nodes.json().path("messages").path("byType") + ")");

        say.step("7 generals, 2 traitors: where the notes' four steps are not enough");
        Map<String, Object> seven = values("1", "1", "2", "2", "3", "3", "4", "4", "5", "5", "6", "6", "7", "7");
        Api.Answer two = agree(api, seven, List.of("6", "7"), Map.of("seed", SPLITTING_SEED, "rounds", 2));
        say.call("POST /api/coordination/agreement {7 generals, traitors [6, 7], rounds: 2, seed: " + SPLITTING_SEED + "}", two, outcome(two));
        say.say("results: " + results(two));
        say.why("容错 §4.2.2", "the notes conclude that 3m + 1 generals suffice with the four steps; that holds for m = 1. "
                + "With m = 2 the second traitor's relays differ per recipient, and two rounds let the loyal generals split "
                + "(Lamport's OM(m) needs m + 1 rounds; lock-service/docs/coordination.md).");
        say.check(two.ok() && !two.json().path("agreed").asBoolean(true), "with 2 rounds the loyal generals disagree");
        Api.Answer three = agree(api, seven, List.of("6", "7"), Map.of("seed", SPLITTING_SEED, "rounds", 3));
        say.call("the same with rounds: 3 (m + 1)", three, outcome(three));
        say.say("results: " + results(three));
        say.check(three.ok() && three.json().path("agreed").asBoolean() && three.json().path("valid").asBoolean(),
                "with m + 1 = 3 rounds every loyal general computes the same vector, loyal values right ("
                        + three.json().path("messages").path("count").asInt() + " messages = 3 × n(n − 1) = 126)");
    }

    private static Api.Answer agree(Api api, Map<String, Object> values, List<String> traitors, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        body.put("values", values);
        body.put("traitors", traitors);
        return api.post("/api/coordination/agreement", body);
    }

    private static Map<String, Object> values(String... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return m;
    }

    private static String outcome(Api.Answer a) {
        if (!a.ok()) return a.detail();
        JsonNode j = a.json();
        return "mode " + j.path("mode").asText() + ", n = " + j.path("n").asInt() + ", m = " + j.path("m").asInt() + ", "
                + j.path("rounds").asInt() + " rounds, agreement possible: " + j.path("agreementPossible").asBoolean()
                + ", agreed: " + j.path("agreed").asBoolean() + ", valid: " + j.path("valid").asBoolean() + ", "
                + j.path("messages").path("count").asInt() + " messages";
    }

    private static boolean allResults(Api.Answer a, String expected) {
        JsonNode loyal = a.json().path("loyal");
        if (loyal.isEmpty()) return false;
        for (JsonNode g : loyal) {
            if (!vector(g.path("result")).equals(expected)) return false;
        }
        return true;
    }

    private static String results(Api.Answer a) {
        List<String> out = new ArrayList<>();
        a.json().path("loyal").fields().forEachRemaining(e -> out.add(e.getKey() + " " + vector(e.getValue().path("result"))));
        return String.join("; ", out);
    }

    static String vector(JsonNode v) {
        List<String> parts = new ArrayList<>();
        v.fields().forEachRemaining(e -> parts.add(e.getValue().asText()));
        return "(" + String.join(", ", parts) + ")";
    }

    private static String received(JsonNode received) {
        List<String> parts = new ArrayList<>();
        received.fields().forEachRemaining(e -> parts.add("from " + e.getKey() + " " + vector(e.getValue())));
        return String.join(", ", parts);
    }
}
