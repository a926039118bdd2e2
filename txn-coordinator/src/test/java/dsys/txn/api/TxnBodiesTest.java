package dsys.txn.api;

import dsys.core.commit.CommitProtocol;
import dsys.core.commit.CommitRequests;
import dsys.core.commit.TxnOp;
import dsys.platform.web.ProblemException;
import dsys.txn.api.TxnBodies.BeginBody;
import dsys.txn.api.TxnBodies.OperationBody;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a POST body becomes, and the 400s that name what is wrong (nothing reaches the core before it passes). */
class TxnBodiesTest {

    private static final ParticipantChoice CHOICE = new ParticipantChoice(List.of("kv-1", "kv-2", "kv-3"));

    private static OperationBody op(String key, String op, String value) {
        return new OperationBody(null, key, op, value, null);
    }

    private static BeginBody body(String protocol, OperationBody... ops) {
        return new BeginBody(protocol, ops == null ? null : List.of(ops), null);
    }

    @Test
    void groupsTheOperationsPerParticipantInTheBodysOrder() {
        // a → kv-1, alice → kv-2, bob → kv-3, dave → kv-1 (ParticipantChoiceTest)
        CommitRequests.Begin b = TxnBodies.begin(body("3PC", op("a", "put", "x"), op("alice", "add", "-5"),
                op("bob", "add", "5"), new OperationBody("default", "dave", "get", null, "3")), "retry-1", CHOICE);
        assertThat(b.protocol()).isEqualTo(CommitProtocol.THREE_PHASE);
        assertThat(b.idempotencyKey()).isEqualTo("retry-1");
        assertThat(b.operations()).containsOnlyKeys("kv-1", "kv-2", "kv-3");
        assertThat(b.operations().get("kv-1")).containsExactly(TxnOp.put("a", "x"), new TxnOp("default", "dave", "get", null, "3"));
        assertThat(b.operations().get("kv-2")).containsExactly(TxnOp.add("alice", -5));
        assertThat(b.operations().get("kv-3")).containsExactly(TxnOp.add("bob", 5));
    }

    @Test
    void ifVersionIsAVersionAsETagsShowItOrZero() {
        CommitRequests.Begin b = TxnBodies.begin(body("2pc", new OperationBody("default", "a", "delete", null, " 0 ")), null, CHOICE);
        assertThat(b.operations().get("kv-1")).containsExactly(new TxnOp("default", "a", "delete", null, "0"));
        assertThat(b.idempotencyKey()).isNull();
        assertThat(TxnBodies.begin(body("2pc", new OperationBody(null, "a", "put", "v", "3.kv-1")), null, CHOICE)
                .operations().values().iterator().next().get(0).ifVersion()).isEqualTo("3.kv-1");
        bad(body("2pc", new OperationBody(null, "a", "put", "v", "3.kv 1")), "operations[0].ifVersion is a version");
        bad(body("2pc", new OperationBody(null, "a", "put", "v", "-1")), "operations[0].ifVersion is a version");
    }

    @Test
    void refusesWhatIsWrongByName() {
        bad(null, "a body {protocol, operations} is required");
        bad(body(null, op("a", "put", "v")), "protocol is required");
        bad(body("4pc", op("a", "put", "v")), "protocol is 2pc or 3pc, got '4pc'");
        bad(new BeginBody("2pc", null, null), "operations is empty");
        bad(body("2pc"), "operations is empty");
        bad(body("2pc", op("a", "put", "v"), op("b", "upsert", "v")), "operations[1].op is put, delete, get or add, got 'upsert'");
        bad(body("2pc", op("a", null, "v")), "operations[0].op is put, delete, get or add, got none");
        bad(body("2pc", op("a", "put", null)), "operations[0]: put needs a value");
        bad(body("2pc", op("a", "add", null)), "operations[0]: add needs a value");
        bad(body("2pc", op("a", "add", "ten")), "operations[0]: add needs a whole number");
        bad(body("2pc", op("", "put", "v")), "operations[0].key is empty");
        bad(body("2pc", op(null, "get", null)), "operations[0].key is empty");
        bad(body("2pc", op("k".repeat(1025), "get", null)), "operations[0].key is longer than 1024 bytes");
        bad(body("2pc", new OperationBody(" ", "a", "get", null, null)), "operations[0].keyspace is empty");
        List<OperationBody> nulls = new ArrayList<>(Collections.singletonList(null));
        bad(new BeginBody("2pc", nulls, null), "operations[0] is null");
    }

    @Test
    void atMost64Operations() {
        List<OperationBody> ops = IntStream.range(0, 64).mapToObj(i -> op("k" + i, "get", null)).toList();
        assertThat(TxnBodies.begin(new BeginBody("2pc", ops, null), null, CHOICE).operations().values().stream()
                .mapToInt(List::size).sum()).isEqualTo(64);
        List<OperationBody> more = IntStream.range(0, 65).mapToObj(i -> op("k" + i, "get", null)).toList();
        bad(new BeginBody("2pc", more, null), "at most 64 operations, this one 65");
    }

    @Test
    void idempotencyKeysTheCoreCanLog() {
        for (String k : new String[]{"", "a,b", "a|b", "a b", "é", "k".repeat(129)}) {
            assertThatThrownBy(() -> TxnBodies.begin(body("2pc", op("a", "get", null)), k, CHOICE))
                    .isInstanceOf(ProblemException.class).hasMessageContaining("Idempotency-Key");
        }
        assertThat(TxnBodies.begin(body("2pc", op("a", "get", null)), "0f8e-42:x_y.z", CHOICE).idempotencyKey()).isEqualTo("0f8e-42:x_y.z");
    }

    @Test
    void timeoutIsTheBodysOrTheDefault() {
        assertThat(TxnBodies.timeout(body("2pc", op("a", "get", null)), 5000)).isEqualTo(Duration.ofMillis(5000));
        assertThat(TxnBodies.timeout(new BeginBody("2pc", List.of(op("a", "get", null)), 250L), 5000)).isEqualTo(Duration.ofMillis(250));
        for (long t : new long[]{0, -1, 25_001}) {
            assertThatThrownBy(() -> TxnBodies.timeout(new BeginBody("2pc", List.of(), t), 5000))
                    .isInstanceOf(ProblemException.class).hasMessageContaining("timeoutMs is 1..25000");
        }
    }

    private static void bad(BeginBody b, String detail) {
        assertThatThrownBy(() -> TxnBodies.begin(b, null, CHOICE))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400))
                .hasMessageContaining(detail);
    }
}
