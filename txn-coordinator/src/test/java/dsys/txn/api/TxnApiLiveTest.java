package dsys.txn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.core.commit.KeyValueResources;
import dsys.txn.api.TxnLiveCluster.Response;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static dsys.txn.api.TxnLiveCluster.COORDINATOR;
import static dsys.txn.api.TxnLiveCluster.PARTICIPANTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * POST /api/txn through txn-1 to three in-JVM participants: transfers commit under 2PC and 3PC and the stores hold
 * the new balances; an unmet ifVersion and insufficient funds abort with the participant's reason and leave
 * nothing; a retried Idempotency-Key gets the first outcome; no decision in time is a 504; bad bodies are 400s
 * that reach no core; an unknown transaction is a 404. Timeouts are longer than live so a cold JVM never aborts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TxnApiLiveTest {

    @TempDir
    static Path data;
    private TxnLiveCluster c;
    private final ParticipantChoice choice = new ParticipantChoice(PARTICIPANTS);

    @BeforeAll
    void start() throws Exception {
        c = new TxnLiveCluster(data, "dsys.txn.vote-timeout-ms=3000", "dsys.txn.ack-timeout-ms=3000",
                "dsys.txn.ready-timeout-ms=15000", "dsys.txn.timeout-ms=10000");
    }

    @AfterAll
    void stop() {
        if (c != null) c.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2pc", "3pc"})
    void transferCommitsAtBothParticipants(String protocol) {
        String payer = keyOn("kv-1", protocol + "-payer-"), payee = keyOn("kv-3", protocol + "-payee-");
        open(protocol, payer, 100, payee, 100);
        double committedBefore = outcomes(protocol, "committed");

        Response r = c.post(body(protocol, add(payer, -30, 1L), add(payee, 30, null)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body().path("outcome").asText()).isEqualTo("committed");
        assertThat(r.body().path("reason").isNull()).isTrue();
        assertThat(texts(r.body().path("participants"))).containsExactly("kv-1", "kv-3");
        String txn = r.body().path("txnId").asText();
        assertThat(txn).startsWith("txn-1-");
        // 2 participants: 2 vote-requests and 2 votes (3PC: and 2 PRECOMMITs and 2 acknowledgements); more if one went again
        JsonNode messages = r.body().path("messages");
        assertThat(messages.path("count").asLong()).as(r.toString()).isGreaterThanOrEqualTo(protocol.equals("2pc") ? 4 : 8);
        assertThat(messages.path("byType").path("vote-commit").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(messages.path("byType").path("precommit-ack").asLong()).isGreaterThanOrEqualTo(protocol.equals("2pc") ? 0 : 2);
        if (protocol.equals("2pc")) assertThat(messages.path("byType").has("precommit")).isFalse();

        await(() -> c.stored("kv-1", payer), new KeyValueResources.Stored(2, "70"));
        await(() -> c.stored("kv-3", payee), new KeyValueResources.Stored(2, "130"));
        assertThat(c.stored("kv-2", payer).value()).as("nothing at the other participant").isNull();

        Response view = c.get("/api/txn/" + txn);
        assertThat(view.status()).isEqualTo(200);
        assertThat(view.body().path("state").asText()).isEqualTo("COMMIT");
        assertThat(view.body().path("protocol").asText()).isEqualTo(protocol);
        assertThat(texts(view.body().path("votedCommit"))).containsExactly("kv-1", "kv-3");
        await(() -> texts(c.get("/api/txn/" + txn).body().path("acknowledged")), List.of("kv-1", "kv-3"));
        Response full = c.get("/api/txn/" + txn);
        assertThat(full.body().path("participantStates").path("kv-1").path("state").asText()).as(full.toString()).isEqualTo("COMMIT");
        assertThat(full.body().path("participantStates").path("kv-3").path("record").asText()).startsWith("COMMIT|" + protocol + "|txn-1|");
        assertThat(full.body().path("log").get(0).asText()).startsWith("commit.c." + txn + " = COMMIT|");

        assertThat(outcomes(protocol, "committed")).isEqualTo(committedBefore + 1);
        Timer t = registry().find("dsys.txn.duration").tags("protocol", protocol, "outcome", "committed").timer();
        assertThat(t).isNotNull();
        assertThat(t.count()).isGreaterThanOrEqualTo(2); // the opening and the transfer
    }

    @Test
    void unmetIfVersionAbortsWithTheParticipantsReason() {
        String k = keyOn("kv-2", "versioned-"), other = keyOn("kv-1", "untouched-");
        open("2pc", k, 5, other, 5);
        Response r = c.post(body("2pc", put(k, "6", 7L), put(other, "6", null)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("outcome").asText()).isEqualTo("aborted");
        assertThat(r.body().path("reason").asText()).isEqualTo("kv-2 voted vote-abort: " + k + " is at version 1, not 7");
        assertNothingChanged(k, "kv-2", other, "kv-1");
        assertThat(c.get("/api/txn/" + r.body().path("txnId").asText()).body().path("state").asText()).isEqualTo("ABORT");
    }

    @Test
    void insufficientFundsAborts() {
        String payer = keyOn("kv-2", "poor-"), payee = keyOn("kv-3", "hopeful-");
        open("3pc", payer, 5, payee, 5);
        double abortedBefore = outcomes("3pc", "aborted");
        Response r = c.post(body("3pc", add(payer, -50, null), add(payee, 50, null)));
        assertThat(r.body().path("outcome").asText()).as(r.toString()).isEqualTo("aborted");
        assertThat(r.body().path("reason").asText()).isEqualTo("kv-2 voted vote-abort: " + payer + " holds 5, cannot add -50");
        assertNothingChanged(payer, "kv-2", payee, "kv-3");
        assertThat(outcomes("3pc", "aborted")).isEqualTo(abortedBefore + 1);
    }

    @Test
    void aRetriedIdempotencyKeyGetsTheFirstOutcome() {
        String payer = keyOn("kv-1", "once-payer-"), payee = keyOn("kv-2", "once-payee-");
        open("2pc", payer, 100, payee, 0);
        double before = outcomes("2pc", "committed");
        String transfer = body("2pc", add(payer, -10, null), add(payee, 10, null));
        Response first = c.post(transfer, "Idempotency-Key", "transfer-42");
        Response again = c.post(transfer, "Idempotency-Key", "transfer-42");
        assertThat(first.body().path("outcome").asText()).as(first.toString()).isEqualTo("committed");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(first.body().path("txnId").asText()).isEqualTo("key-transfer-42");
        await(() -> c.stored("kv-1", payer), new KeyValueResources.Stored(2, "90"));
        await(() -> c.stored("kv-2", payee), new KeyValueResources.Stored(2, "10"));
        assertThat(outcomes("2pc", "committed")).as("a retry counts once").isEqualTo(before + 1);
    }

    @Test
    void noDecisionWithinTheTimeoutIs504AndTheRetryLearnsTheOutcome() {
        String k = keyOn("kv-3", "slow-");
        c.pause("kv-3", 1500); // its vote comes after the POST's 300 ms, well within the 3 s vote timeout
        Response slow = c.post(body("2pc", put(k, "v", null)).replace("]}", "], \"timeoutMs\": 300}"), "Idempotency-Key", "slow-1");
        assertThat(slow.status()).as(slow.toString()).isEqualTo(504);
        assertThat(slow.contentType()).startsWith("application/problem+json");
        assertThat(slow.body().path("detail").asText()).contains("no decision within 300 ms", "retry with the same Idempotency-Key");
        assertThat(outcomes("2pc", "unknown")).isGreaterThanOrEqualTo(1);
        Response retry = c.post(body("2pc", put(k, "v", null)), "Idempotency-Key", "slow-1");
        assertThat(retry.body().path("outcome").asText()).as(retry.toString()).isEqualTo("committed");
        await(() -> c.stored("kv-3", k), new KeyValueResources.Stored(1, "v"));
    }

    @Test
    void badBodiesAre400sThatReachNoCore() {
        String ok = "{\"key\":\"a\",\"op\":\"put\",\"value\":\"1\"}";
        String tooMany = "{\"protocol\":\"2pc\",\"operations\":[" + String.join(",", IntStream.range(0, 65).mapToObj(i -> ok).toList()) + "]}";
        String[][] cases = {
                {"{\"protocol\":\"4pc\",\"operations\":[" + ok + "]}", "protocol is 2pc or 3pc, got '4pc'"},
                {"{\"protocol\":\"2pc\",\"operations\":[]}", "operations is empty"},
                {"{\"protocol\":\"2pc\"}", "operations is empty"},
                {"{\"protocol\":\"2pc\",\"operations\":[{\"key\":\"a\",\"op\":\"upsert\",\"value\":\"1\"}]}", "operations[0].op is put, delete, get or add, got 'upsert'"},
                {"{\"protocol\":\"3pc\",\"operations\":[" + ok + ",{\"key\":\"b\",\"op\":\"put\"}]}", "operations[1]: put needs a value"},
                {"{\"protocol\":\"2pc\",\"operations\":[{\"key\":\"\",\"op\":\"get\"}]}", "operations[0].key is empty"},
                {"{\"protocol\":\"2pc\",\"operations\":[{\"key\":\"a\",\"op\":\"add\",\"value\":\"x\"}]}", "add needs a whole number"},
                {tooMany, "at most 64 operations, this one 65"},
                {"{\"protocol\":", "not valid JSON"},
                {"", "a body {protocol, operations} is required"}};
        int known = transactions();
        for (String[] bad : cases) {
            Response r = c.post(bad[0].isEmpty() ? null : bad[0]);
            assertThat(r.status()).as(bad[0]).isEqualTo(400);
            assertThat(r.contentType()).as(bad[0]).startsWith("application/problem+json");
            assertThat(r.body().path("detail").asText()).as(bad[0] + " → " + r.body()).contains(bad[1]);
        }
        assertThat(c.post(body("2pc", put("a", "1", null)), "Idempotency-Key", "a,b").status()).isEqualTo(400);
        assertThat(transactions()).as("no transaction began").isEqualTo(known);
    }

    @Test
    void anUnknownTransactionIs404() {
        Response r = c.get("/api/txn/txn-1-99-1");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body().path("type").asText()).isEqualTo("https://dsys.dev/problems/unknown-transaction");
        assertThat(r.body().path("detail").asText()).contains("no transaction txn-1-99-1");
        Response wrongMethod = c.get("/api/txn"); // Spring MVC's own errors stay problems (application.yml)
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body().path("type").asText()).isEqualTo("https://dsys.dev/problems/method-not-allowed");
    }

    /** /api/txn/checkpoints is served here too (platform-core's initiator; kv-service's CheckpointsLiveTest runs it). */
    @Test
    void checkpointsAreServedBesideTransactions() {
        Response list = c.get("/api/txn/checkpoints");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("checkpoints").isArray()).isTrue();
        Response unknown = c.get("/api/txn/checkpoints/snapshot-99");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("type").asText()).isEqualTo("https://dsys.dev/problems/no-such-checkpoint");
    }

    // --- helpers

    /** The first key {@code prefix<i>} that ParticipantChoice puts at {@code node}. */
    private String keyOn(String node, String prefix) {
        return IntStream.range(0, 1000).mapToObj(i -> prefix + i).filter(k -> choice.of("default", k).equals(node))
                .findFirst().orElseThrow();
    }

    private void open(String protocol, String a, long balanceA, String b, long balanceB) {
        Response r = c.post(body(protocol, put(a, Long.toString(balanceA), 0L), put(b, Long.toString(balanceB), 0L)));
        assertThat(r.body().path("outcome").asText()).as(r.toString()).isEqualTo("committed");
        String atA = choice.of("default", a), atB = choice.of("default", b);
        await(() -> c.stored(atA, a), new KeyValueResources.Stored(1, Long.toString(balanceA)));
        await(() -> c.stored(atB, b), new KeyValueResources.Stored(1, Long.toString(balanceB)));
    }

    /** The aborted transaction's decision reached both participants: no locks left, both keys as opened. */
    private void assertNothingChanged(String a, String atA, String b, String atB) {
        KeyValueResources.Stored sa = c.stored(atA, a), sb = c.stored(atB, b);
        for (String p : PARTICIPANTS) await(() -> c.locks(p).isEmpty(), true);
        assertThat(c.stored(atA, a)).isEqualTo(sa).extracting(KeyValueResources.Stored::version).isEqualTo(1L);
        assertThat(c.stored(atB, b)).isEqualTo(sb).extracting(KeyValueResources.Stored::version).isEqualTo(1L);
    }

    private static String body(String protocol, String... ops) {
        return "{\"protocol\":\"" + protocol + "\",\"operations\":[" + String.join(",", ops) + "]}";
    }

    private static String add(String key, long delta, Long ifVersion) {
        return op(key, "add", Long.toString(delta), ifVersion);
    }

    private static String put(String key, String value, Long ifVersion) {
        return op(key, "put", value, ifVersion);
    }

    private static String op(String key, String op, String value, Long ifVersion) {
        return "{\"keyspace\":\"default\",\"key\":\"" + key + "\",\"op\":\"" + op + "\",\"value\":\"" + value + "\""
                + (ifVersion == null ? "" : ",\"ifVersion\":" + ifVersion) + "}";
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private int transactions() {
        List<String> all = c.context(COORDINATOR).getBean(TxnHost.class).read(core -> core.transactions());
        return all.size();
    }

    private MeterRegistry registry() {
        return c.context(COORDINATOR).getBean(MeterRegistry.class);
    }

    private double outcomes(String protocol, String outcome) {
        Counter n = registry().find("dsys.txn.outcomes").tags("protocol", protocol, "outcome", outcome).counter();
        return n == null ? 0 : n.count();
    }

    /** Decisions reach participants after the client's answer: wait up to 10 s for {@code expected}. */
    private static <T> void await(Supplier<T> actual, T expected) {
        long end = System.nanoTime() + 10_000_000_000L;
        T last = actual.get();
        while (!expected.equals(last) && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            last = actual.get();
        }
        assertThat(last).isEqualTo(expected);
    }
}
