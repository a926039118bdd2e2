package dsys.platform.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.message.Envelope;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.platform.host.NodeRuntime;
import dsys.platform.web.ProblemException;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;

/** Receives envelopes from peer nodes and queues them for the core of that group. */
@Hidden
@RestController
public class MessageController {

    private final NodeRuntime node;
    private final ObjectMapper json;

    public MessageController(NodeRuntime node, ObjectMapper json) {
        this.node = node;
        this.json = json;
    }

    @PostMapping("/internal/messages/{group}")
    public ResponseEntity<Void> receive(@PathVariable String group,
                                        @RequestHeader(ClockHeaders.FROM) String from,
                                        @RequestHeader(ClockHeaders.MESSAGE_ID) String id,
                                        @RequestHeader(ClockHeaders.MESSAGE_CLASS) String type,
                                        @RequestHeader(ClockHeaders.LAMPORT) long lamport,
                                        @RequestHeader(value = ClockHeaders.VECTOR, required = false) String vector,
                                        @RequestBody byte[] body) {
        if (node.crashed()) {
            throw new ProblemException(503, "node-crashed", "Node crashed", "node " + node.identity().self() + " is crashed");
        }
        // The receiving side of the interceptor: a partition drops the message here too, silently.
        if (node.faults().partitioned(from, node.identity().self().value())) return ResponseEntity.accepted().build();
        Message payload = decode(type, body);
        Envelope e = new Envelope(id, NodeId.of(from), node.identity().self(), payload.type(), lamport,
                ClockHeaders.decode(vector), payload);
        if (!node.deliver(group, e)) {
            throw new ProblemException(404, "unknown-group", "Unknown group", "no core named '" + group + "' runs on " + node.identity().self());
        }
        return ResponseEntity.accepted().build();
    }

    private Message decode(String type, byte[] body) {
        Class<?> c;
        try {
            c = Class.forName(type, false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw ProblemException.badRequest("unknown message class " + type);
        }
        if (!Message.class.isAssignableFrom(c)) throw ProblemException.badRequest(type + " is not a message");
        try {
            return (Message) json.readValue(body, c);
        } catch (IOException e) {
            throw ProblemException.badRequest("cannot read " + type + ": " + e.getMessage());
        }
    }
}
