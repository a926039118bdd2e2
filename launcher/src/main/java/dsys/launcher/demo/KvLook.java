package dsys.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** What the kv demos of the active and eventual modes read: a keyspace's entry, each replica's copy, each node's counters. */
final class KvLook {

    /** A version as ETags and replies show it, {@code counter.node}, ordered as the modes order versions. */
    record Version(long counter, String node) implements Comparable<Version> {

        static Version parse(String s) {
            if (s == null) return null;
            String v = s.replace("\"", "").strip();
            int dot = v.indexOf('.');
            if (dot <= 0) return null;
            try {
                return new Version(Long.parseLong(v.substring(0, dot)), v.substring(dot + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public int compareTo(Version o) {
            int c = Long.compare(counter, o.counter);
            return c != 0 ? c : node.compareTo(o.node);
        }

        /** "(Lamport 41, kv-2)" */
        String stamp() {
            return "(Lamport " + counter + ", " + node + ")";
        }

        @Override
        public String toString() {
            return counter + "." + node;
        }
    }

    private KvLook() {
    }

    static String path(String keyspace, String key) {
        return "/api/kv/" + keyspace + "/" + key;
    }

    /** The keyspace's entry in {@code GET /api/kv/keyspaces} (mode, consistency, replicas), or a missing node. */
    static JsonNode keyspace(Api api, String name) {
        for (JsonNode k : api.get("/api/kv/keyspaces").json().path("keyspaces")) {
            if (k.path("name").asText().equals(name)) return k;
        }
        return MissingNode.getInstance();
    }

    /**
     * Keyspace {@code name}'s replicas, checked (a narrated check) to be three and to claim {@code model}; null when
     * not, and the demo stops.
     */
    static List<String> checkedReplicas(Demo.Stage s, String name, String model) {
        JsonNode ks = keyspace(s.api(), name);
        List<String> nodes = replicas(ks);
        boolean ok = s.say().check(nodes.size() == 3 && model.equals(ks.path("consistency").asText()), "keyspace " + name
                + ": mode " + ks.path("mode").asText() + ", claims " + ks.path("consistency").asText() + ", replicas " + nodes
                + " (GET /api/kv/keyspaces)");
        return ok ? nodes : null;
    }

    static List<String> replicas(JsonNode keyspace) {
        List<String> nodes = new ArrayList<>();
        keyspace.path("replicas").forEach(n -> nodes.add(n.asText()));
        return nodes;
    }

    /** {@code GET …/replicas}: every replica's state of the key as it answered. */
    static JsonNode survey(Api api, String keyspace, String key) {
        return api.get(path(keyspace, key) + "/replicas").json();
    }

    /** Polls the survey every 200 ms until {@code done} holds or {@code ms} pass; the last survey either way. */
    static JsonNode awaitSurvey(Api api, String keyspace, String key, long ms, Predicate<JsonNode> done)
            throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000L;
        JsonNode r = survey(api, keyspace, key);
        while (!done.test(r) && System.nanoTime() < end) {
            Thread.sleep(200);
            r = survey(api, keyspace, key);
        }
        return r;
    }

    /** Every replica answered and holds {@code value}. */
    static boolean allHold(JsonNode survey, String value) {
        return allMatch(survey, rep -> rep.path("state").asText().equals("value") && rep.path("value").asText().equals(value));
    }

    static boolean allState(JsonNode survey, String state) {
        return allMatch(survey, rep -> rep.path("state").asText().equals(state));
    }

    private static boolean allMatch(JsonNode survey, Predicate<JsonNode> p) {
        if (survey == null || survey.path("replicas").isEmpty()) return false;
        for (JsonNode rep : survey.path("replicas")) {
            if (!p.test(rep)) return false;
        }
        return true;
    }

    /** "kv-1 "v" 41.kv-2 · kv-2 tombstone 43.kv-1 · kv-3 no-answer" */
    static String shown(JsonNode survey) {
        List<String> parts = new ArrayList<>();
        for (JsonNode rep : survey.path("replicas")) {
            String state = rep.path("state").asText();
            String version = rep.path("version").isMissingNode() || rep.path("version").isNull() ? "" : " " + rep.path("version").asText();
            parts.add(rep.path("node").asText() + " " + (state.equals("value") ? "\"" + rep.path("value").asText() + "\"" : state) + version);
        }
        return parts.isEmpty() ? "no survey" : String.join(" · ", parts);
    }

    /** One node's counters for the keyspace ({@code GET /api/kv/stats} there): {sent, operations, counts}. */
    static JsonNode stats(Api api, String node, String keyspace) {
        return api.get("/api/kv/stats", "X-Dsys-Node", node).json().path(keyspace);
    }

    /** Messages of {@code type} the nodes sent for the keyspace, summed. */
    static long sent(Api api, List<String> nodes, String keyspace, String type) {
        long n = 0;
        for (String node : nodes) n += stats(api, node, keyspace).path("sent").path(type).asLong();
        return n;
    }

    /** A named count for the keyspace summed over the nodes. */
    static long total(Api api, List<String> nodes, String keyspace, String name) {
        return counts(api, nodes, keyspace, name).values().stream().mapToLong(Long::longValue).sum();
    }

    /** A named count of each node for the keyspace (e.g. writes.applied), node → count. */
    static Map<String, Long> counts(Api api, List<String> nodes, String keyspace, String name) {
        Map<String, Long> c = new LinkedHashMap<>();
        for (String node : nodes) c.put(node, stats(api, node, keyspace).path("counts").path(name).asLong());
        return c;
    }
}
