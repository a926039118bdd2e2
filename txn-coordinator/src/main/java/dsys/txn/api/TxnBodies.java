package dsys.txn.api;

import dsys.core.commit.CommitProtocol;
import dsys.core.commit.CommitRequests;
import dsys.core.commit.TxnRead;
import dsys.core.commit.TxnOp;
import dsys.platform.web.ProblemException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON bodies of /api/txn, and the check that turns a POST body into the core's {@link CommitRequests.Begin}:
 * everything is checked before anything is sent, and the first thing wrong is a 400 problem that names it.
 */
public final class TxnBodies {

    static final int MAX_OPERATIONS = 64;
    static final int MAX_KEY_BYTES = 1024; // as kv-service's keys
    static final int MAX_IDEMPOTENCY_KEY = 128;
    /** Below the gateway's 30 s time limit for the txn-coordinator route, so the client hears the core's 504. */
    static final long MAX_TIMEOUT_MS = 25_000;
    private static final Set<String> OPS = Set.of("put", "delete", "get", "add");

    private TxnBodies() {
    }

    public record BeginBody(String protocol, List<OperationBody> operations, Long timeoutMs) {
    }

    /** {@code ifVersion}: a version as a string or a number (0: the key must be absent). */
    public record OperationBody(String keyspace, String key, String op, String value, String ifVersion) {
    }

    /**
     * {@code reason}: why it aborted (a participant's vote-abort, a timeout); null when committed. {@code reads}: each
     * get's {keyspace, key, value, version} when committed (one snapshot: all were read-locked). {@code messages}:
     * {count, byType} of the protocol messages the coordinator sent and received for it up to the decision
     * ({@link CommitRequests.Messages} says which).
     */
    public record OutcomeBody(String txnId, String outcome, String reason, List<String> participants, List<TxnRead> reads,
                              CommitRequests.Messages messages) {
        static OutcomeBody of(CommitRequests.Outcome o) {
            return new OutcomeBody(o.txn(), o.committed() ? "committed" : "aborted", o.reason(), o.participants(), o.reads(),
                    o.messages());
        }
    }

    /** The core's request for {@code b}: its operations grouped per participant, in the body's order. */
    static CommitRequests.Begin begin(BeginBody b, String idempotencyKey, ParticipantChoice choice) {
        if (b == null) throw bad("a body {protocol, operations} is required");
        if (b.protocol() == null) throw bad("protocol is required: 2pc or 3pc");
        CommitProtocol protocol;
        try {
            protocol = CommitProtocol.parse(b.protocol());
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        List<OperationBody> ops = b.operations();
        if (ops == null || ops.isEmpty()) throw bad("operations is empty: a transaction needs one operation at least");
        if (ops.size() > MAX_OPERATIONS) {
            throw bad("a transaction holds at most " + MAX_OPERATIONS + " operations, this one " + ops.size());
        }
        checkIdempotencyKey(idempotencyKey);
        Map<String, List<TxnOp>> perParticipant = new LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            TxnOp op = operation("operations[" + i + "]", ops.get(i));
            perParticipant.computeIfAbsent(choice.of(op.keyspace(), op.key()), p -> new ArrayList<>()).add(op);
        }
        return new CommitRequests.Begin(protocol, perParticipant, idempotencyKey);
    }

    private static TxnOp operation(String where, OperationBody o) {
        if (o == null) throw bad(where + " is null");
        if (o.keyspace() != null && o.keyspace().isBlank()) throw bad(where + ".keyspace is empty (leave it out for \"default\")");
        if (o.key() == null || o.key().isEmpty()) throw bad(where + ".key is empty");
        if (o.key().getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw bad(where + ".key is longer than " + MAX_KEY_BYTES + " bytes of UTF-8");
        }
        if (o.op() == null || !OPS.contains(o.op())) {
            throw bad(where + ".op is put, delete, get or add, got " + (o.op() == null ? "none" : "'" + o.op() + "'"));
        }
        boolean needsValue = o.op().equals("put") || o.op().equals("add");
        if (needsValue && o.value() == null) throw bad(where + ": " + o.op() + " needs a value");
        if (o.op().equals("add")) {
            try {
                Long.parseLong(o.value());
            } catch (NumberFormatException e) {
                throw bad(where + ": add needs a whole number (negative to take away), got '" + o.value() + "'");
            }
        }
        return new TxnOp(o.keyspace(), o.key(), o.op(), o.value(), version(where, o.ifVersion()));
    }

    /** A kv version as its ETag shows it ({@code 1712.kv-2}), or a whole number; "0": the key is absent. */
    private static String version(String where, String v) {
        if (v == null) return null;
        String t = v.trim();
        if (t.length() <= 100 && VERSION.matcher(t).matches()) return t;
        throw bad(where + ".ifVersion is a version: as an ETag shows it (1712.kv-2), or 0 for an absent key, got '" + v + "'");
    }

    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("[0-9]+(\\.[A-Za-z0-9_-]+)?");

    /** The core names the transaction by the key and logs it in a line split at '|' and ','. */
    private static void checkIdempotencyKey(String k) {
        if (k == null) return;
        if (k.isEmpty() || k.length() > MAX_IDEMPOTENCY_KEY) {
            throw bad("Idempotency-Key is 1.." + MAX_IDEMPOTENCY_KEY + " characters, got " + k.length());
        }
        for (char c : k.toCharArray()) {
            if (c <= ' ' || c > '~' || c == '|' || c == ',') {
                throw bad("Idempotency-Key holds printable ASCII without spaces, '|' or ','; got '" + k + "'");
            }
        }
    }

    /** How long the POST waits for the decision: the body's timeoutMs, else {@code fallback}. */
    static Duration timeout(BeginBody b, long fallback) {
        if (b.timeoutMs() == null) return Duration.ofMillis(fallback);
        if (b.timeoutMs() < 1 || b.timeoutMs() > MAX_TIMEOUT_MS) {
            throw bad("timeoutMs is 1.." + MAX_TIMEOUT_MS + ", got " + b.timeoutMs());
        }
        return Duration.ofMillis(b.timeoutMs());
    }

    private static ProblemException bad(String detail) {
        return ProblemException.badRequest(detail);
    }
}
