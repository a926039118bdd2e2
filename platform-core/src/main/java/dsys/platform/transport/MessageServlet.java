package dsys.platform.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.node.NodeId;
import dsys.platform.host.NodeRuntime;
import dsys.platform.web.Problems;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;

/**
 * Receives batches of envelopes from peer nodes ({@link MessageBatch}) and queues each for the core of its group.
 * A plain servlet rather than a controller: it is the hottest path of every service, and Spring MVC's dispatch
 * (handler lookup, argument resolution, return-value handling) cost more than the delivery itself.
 */
public class MessageServlet extends HttpServlet {

    public static final String PATH = "/internal/messages";

    private final transient NodeRuntime node;
    private final transient ObjectMapper json;

    public MessageServlet(NodeRuntime node, ObjectMapper json) {
        this.node = node;
        this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String self = node.identity().self().value();
        if (node.crashed()) {
            problem(res, 503, "node-crashed", "Node crashed", "node " + self + " is crashed");
            return;
        }
        String from = req.getHeader(ClockHeaders.FROM);
        if (from == null) {
            problem(res, 400, "bad-request", "Bad request", "header " + ClockHeaders.FROM + " is required");
            return;
        }
        byte[] body = req.getInputStream().readAllBytes();
        // The receiving side of the interceptor: a partition drops the messages here too, silently.
        if (node.faults().partitioned(from, self)) {
            res.setStatus(202);
            return;
        }
        List<MessageBatch.Received> batch;
        try {
            batch = MessageBatch.decode(body, NodeId.of(from), node.identity().self(), json);
        } catch (IllegalArgumentException e) {
            problem(res, 400, "bad-request", "Bad request", e.getMessage());
            return;
        }
        for (MessageBatch.Received r : batch) {
            if (!node.deliver(r.group(), r.envelope())) {
                problem(res, 404, "unknown-group", "Unknown group", "no core named '" + r.group() + "' runs on " + self);
                return;
            }
        }
        res.setStatus(202);
    }

    private void problem(HttpServletResponse res, int status, String slug, String title, String detail) throws IOException {
        res.setStatus(status);
        res.setContentType("application/problem+json");
        json.writeValue(res.getOutputStream(), Problems.of(status, slug, title, detail));
    }
}
