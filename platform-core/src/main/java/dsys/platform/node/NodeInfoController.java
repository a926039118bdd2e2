package dsys.platform.node;

import dsys.platform.host.NodeRuntime;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET <dsys.api-base>/node}: which node answered, its group and its clocks — the quickest way to see
 * where the gateway (or {@code X-Dsys-Node}) sent a request.
 */
@RestController
public class NodeInfoController {

    private final NodeRuntime node;

    public NodeInfoController(NodeRuntime node) {
        this.node = node;
    }

    @GetMapping("${dsys.api-base:/api}/node")
    public Map<String, Object> node() {
        NodeIdentity id = node.identity();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", id.self().value());
        m.put("service", id.service());
        m.put("members", id.members().nodes().stream().map(Object::toString).toList());
        m.put("crashed", node.crashed());
        m.put("clockMs", node.clock().millis());
        m.put("offsetMs", node.clock().offsetNanos() / 1e6);
        m.put("lamport", node.lamportNow());
        return m;
    }
}
