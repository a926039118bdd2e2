package dsys.kv.txn.api;

import dsys.core.commit.CommitParticipant;
import dsys.core.commit.CommitProtocol;
import dsys.core.commit.CommitRequests;
import dsys.core.commit.DecisionTopic;
import dsys.core.commit.TxnOp;
import dsys.core.commit.TxnState;
import dsys.kv.api.KvTestAccess;
import dsys.platform.host.CoreHost;
import dsys.testing.TestNodes;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.platform.commit.DecisionCodec;
import dsys.platform.commit.DecisionFeed;
import dsys.platform.commit.RecentDecisions;
import dsys.platform.transport.ClusterSecret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decisions topic, live on Kafka: kv-2 logs its vote and crashes before sending it (crash point
 * after-vote-logged), so the coordinator aborts while kv-2 is down. kv-2 then comes back cut off from the coordinator
 * and the other participants, where cooperative termination reaches nobody; it learns the abort from the topic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DecisionFeedLiveTest {

    private static EmbeddedKafkaBroker kafka;
    private static KvTestAccess kv;
    private static ConfigurableApplicationContext coordinator;

    @BeforeAll
    static void start() throws Exception {
        kafka = new EmbeddedKafkaKraftBroker(1, 1, DecisionTopic.NAME);
        kafka.afterPropertiesSet();
        String broker = "spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString();
        int txnPort = TestNodes.freePort();
        kv = KvTestAccess.cluster(3, "dsys.links=txn-1", "dsys.peers.txn-1=http://127.0.0.1:" + txnPort,
                "dsys.txn.ready-timeout-ms=15000", "dsys.kafka.enabled=true", broker);
        Path data = TestNodes.dataDir("dsys-txn-coordinator");
        coordinator = new SpringApplicationBuilder(CoordinatorNode.class).run(TestNodes.arguments("txn-1", Map.of("txn-1", txnPort), data,
                "dsys.links=kv-1,kv-2,kv-3", "dsys.peers.kv-1=http://127.0.0.1:" + kv.port("kv-1"),
                "dsys.peers.kv-2=http://127.0.0.1:" + kv.port("kv-2"), "dsys.peers.kv-3=http://127.0.0.1:" + kv.port("kv-3"),
                "spring.application.name=txn-coordinator", "dsys.kafka.enabled=true", broker));
        kv.put("kv-1", "erin", "50");
        kv.put("kv-1", "frank", "0");
        kv.put("kv-1", "gina", "50");
        kv.put("kv-1", "hank", "0");
        kv.put("kv-1", "ivy", "0");
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) coordinator.close();
        if (kv != null) kv.close();
        if (kafka != null) kafka.destroy();
    }

    private static double learned() {
        return kv.bean("kv-2", MeterRegistry.class).get("dsys.txn.decisions.read").tag("result", "learned").counter().count();
    }

    private static TxnState participantState(String node, String txn) {
        CoreHost host = kv.bean(node, TxnParticipantConfiguration.Participant.class).host();
        return host.read(core -> ((CommitParticipant) core).state(txn));
    }

    @Test
    @Order(1)
    void aParticipantDownDuringTheDecision_learnsItFromTheTopic_cutOffFromEveryone() throws Exception {
        assertThat(kv.admin("kv-2", "/api/chaos/crash-points", "{\"node\":\"kv-2\",\"point\":\"" + CommitParticipant.AFTER_VOTE_LOGGED + "\"}"))
                .isEqualTo(200);
        CoreHost c = coordinator.getBean(CoreHost.class);
        var o = (CommitRequests.Outcome) c.call(new CommitRequests.Begin(CommitProtocol.TWO_PHASE,
                Map.of("kv-1", List.of(TxnOp.add("erin", -10)), "kv-2", List.of(TxnOp.add("frank", 10)))), Duration.ofSeconds(20));
        assertThat(o.committed()).as("kv-2's vote never came").isFalse();

        String cut = "{\"groups\":[[\"kv-2\"],[\"kv-1\",\"kv-3\",\"txn-1\"]]}";
        for (String n : List.of("kv-1", "kv-2", "kv-3")) assertThat(kv.admin(n, "/api/chaos/partitions", cut)).isEqualTo(200);
        assertThat(kv.admin("kv-2", "/api/chaos/nodes/kv-2/restart", "{}")).isEqualTo(200);

        // The feed counts a record once the core's answer is back, a moment after the core ended the transaction.
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        TxnState s = participantState("kv-2", o.txn());
        while ((s != TxnState.ABORT || learned() < 1) && System.nanoTime() < end) {
            Thread.sleep(100);
            s = participantState("kv-2", o.txn());
        }
        assertThat(s).as("kv-2 learned the abort while cut off from the coordinator and the others").isEqualTo(TxnState.ABORT);
        assertThat(learned()).as("from the topic").isGreaterThanOrEqualTo(1);

        for (String n : List.of("kv-1", "kv-2", "kv-3")) assertThat(kv.heal(n)).isEqualTo(200);
        long unlock = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        while (kv.status("kv-3", "GET", "frank", null) != 200 && System.nanoTime() < unlock) Thread.sleep(200);
        assertThat(kv.get("kv-3", "frank")).as("frank released, never credited").isEqualTo("0");
        assertThat(kv.get("kv-3", "erin")).isEqualTo("50");
    }

    /**
     * Lock resolution: kv-2 crashes after logging its vote, holding hank's and ivy's locks; the coordinator aborts.
     * With kv-2 still down, a transfer to hank through kv-1 finds the lock, reads the abort from the topic, drops the
     * lock itself and commits; a plain read of ivy through kv-3 does the same. Without resolution the transfer waits
     * its 1 s budget for kv-2 and votes abort, and the read answers 409 until kv-2 is back.
     */
    @Test
    @Order(2)
    void aLockWhoseHolderEndedElsewhere_isResolvedByTheNextParticipant_andByAPlainRead() throws Exception {
        assertThat(kv.admin("kv-2", "/api/chaos/crash-points", "{\"node\":\"kv-2\",\"point\":\"" + CommitParticipant.AFTER_VOTE_LOGGED + "\"}"))
                .isEqualTo(200);
        CoreHost c = coordinator.getBean(CoreHost.class);
        try {
            var first = (CommitRequests.Outcome) c.call(new CommitRequests.Begin(CommitProtocol.TWO_PHASE,
                    Map.of("kv-1", List.of(TxnOp.add("gina", -10)), "kv-2", List.of(TxnOp.add("hank", 10), TxnOp.add("ivy", 10)))),
                    Duration.ofSeconds(20));
            assertThat(first.committed()).as("kv-2's vote never came").isFalse();

            for (String node : List.of("kv-1", "kv-3")) {
                var recent = kv.bean(node, dsys.platform.commit.RecentDecisions.class);
                long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (recent.outcome(first.txn()) == null && System.nanoTime() < end) Thread.sleep(100);
                assertThat(recent.outcome(first.txn())).as(node + " read the abort from the topic").isFalse();
            }

            var second = (CommitRequests.Outcome) c.call(new CommitRequests.Begin(CommitProtocol.TWO_PHASE,
                    Map.of("kv-1", List.of(TxnOp.add("hank", 5)))), Duration.ofSeconds(20));
            assertThat(second.committed()).as("kv-1 resolved hank's lock and committed: " + second).isTrue();
            assertThat(resolved("kv-1")).as("kv-1 released kv-2's lock on hank").isGreaterThanOrEqualTo(1);
            assertThat(kv.get("kv-3", "hank")).as("the aborted credit dropped, the new one applied").isEqualTo("5");

            assertThat(kv.get("kv-3", "ivy")).as("a plain read resolves ivy's lock: the abort dropped the intent").isEqualTo("0");
            assertThat(resolved("kv-3")).as("kv-3 released kv-2's lock on ivy").isGreaterThanOrEqualTo(1);
        } finally {
            assertThat(kv.admin("kv-2", "/api/chaos/nodes/kv-2/restart", "{}")).isEqualTo(200);
        }
    }

    /**
     * A node started again knows the outcomes decided before its group's committed offset: kv-3's feed is stopped
     * once its offset has passed a transaction's decision, and a new feed of kv-3's group, with an empty memory of
     * outcomes (a new process), must still know that one. Reading on from the offset alone, it never would, and a
     * lock that transaction left would wait for its holder's node (seen live: ~8 s of 409s after a restart). Last,
     * since kv-3 runs on without its own feed.
     */
    @Test
    @Order(3)
    void aFeedStartedAgain_readsBackTheOutcomesDecidedBeforeItsOffset() throws Exception {
        CoreHost c = coordinator.getBean(CoreHost.class);
        var o = (CommitRequests.Outcome) c.call(new CommitRequests.Begin(CommitProtocol.TWO_PHASE,
                Map.of("kv-1", List.of(TxnOp.add("erin", -1)), "kv-3", List.of(TxnOp.add("ivy", 1)))), Duration.ofSeconds(20));
        assertThat(o.committed()).as(o.toString()).isTrue();

        String group = DecisionTopic.NAME + ".kv-3";
        TopicPartition tp = new TopicPartition(DecisionTopic.NAME, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()))) {
            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            long committed = -1;
            while (committed < end && System.nanoTime() < deadline) {
                Thread.sleep(200);
                OffsetAndMetadata at = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
                committed = at == null ? -1 : at.offset();
            }
            assertThat(committed).as("kv-3's feed committed past the decision").isGreaterThanOrEqualTo(end);
        }
        kv.bean("kv-3", DecisionFeed.class).close();

        RecentDecisions fresh = new RecentDecisions();
        var host = kv.bean("kv-3", TxnParticipantConfiguration.Participant.class).host();
        try (DecisionFeed again = new DecisionFeed(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()), "kv-3",
                new DecisionCodec(kv.bean("kv-3", ClusterSecret.class), kv.bean("kv-3", ObjectMapper.class)), host,
                new SimpleMeterRegistry(), fresh)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (fresh.outcome(o.txn()) == null && System.nanoTime() < deadline) Thread.sleep(100);
            assertThat(fresh.outcome(o.txn())).as("read back from before the group's offset").isTrue();
        }
    }

    private static double resolved(String node) {
        return kv.bean(node, MeterRegistry.class).get("dsys.txn.participant.resolved").counter().count();
    }
}
