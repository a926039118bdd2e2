package dsys.launcher.fuzz;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** One public operation, as a service's OpenAPI document describes it. */
record Route(String service, String method, String path, boolean hasBody, List<String> bodyFields) {

    /** Every operation of one OpenAPI document. */
    static List<Route> from(String service, JsonNode openApi) {
        List<Route> routes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = openApi.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String method = op.getKey().toUpperCase();
                if (!List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) continue;
                JsonNode body = op.getValue().path("requestBody");
                routes.add(new Route(service, method, p.getKey(), !body.isMissingNode(), fields(openApi, body)));
            }
        }
        return routes;
    }

    /** Property names of the JSON body's schema (following one $ref), to send them with the wrong types. */
    private static List<String> fields(JsonNode openApi, JsonNode body) {
        JsonNode schema = body.path("content").path("application/json").path("schema");
        String ref = schema.path("$ref").asText("");
        if (ref.startsWith("#/components/schemas/")) {
            schema = openApi.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
        }
        List<String> names = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }
}
