package dsys.core.gather;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GathersTest {

    private static final NodeId ASKER = NodeId.of("g-1"), B = NodeId.of("g-2"), C = NodeId.of("g-3");
    private static final Gathers.Patience PATIENCE = new Gathers.Patience(Duration.ofMillis(100), 2);

    record Question(String gather) implements Message {
    }

    record Answer(String gather, String from) implements Message {
    }

    /** Asks every member on a request and answers it with the gather; also reports what accept() said of a late reply. */
    static final class Asker implements Core {
        final Env env;
        final Gathers gathers;
        Boolean lateAccepted;

        Asker(Env env) {
            this.env = env;
            this.gathers = new Gathers(env, env::send, env::nanoTime);
        }

        @Override
        public void onRequest(RequestId request, Object body) {
            gathers.ask(env.members().nodes(), Question::new, "self", PATIENCE, g -> env.reply(request, g));
        }

        @Override
        public void onMessage(NodeId from, Message m) {
            Answer a = (Answer) m;
            boolean accepted = gathers.accept(a.gather(), from, a.from());
            if (!accepted && lateAccepted == null) lateAccepted = false;
        }

        @Override
        public void onTimer(Object timer) {
            gathers.onTimer(timer);
        }
    }

    /** Answers each question {@code copies} times, from the {@code fromAsk}-th question it sees on. */
    record Answerer(Env env, int copies, int fromAsk, int[] asked) implements Core {
        Answerer(Env env, int copies, int fromAsk) {
            this(env, copies, fromAsk, new int[1]);
        }

        @Override
        public void onRequest(RequestId request, Object body) {
        }

        @Override
        public void onMessage(NodeId from, Message m) {
            if (++asked[0] < fromAsk) return;
            for (int i = 0; i < copies; i++) env.send(from, new Answer(((Question) m).gather(), env.self().value()));
        }
    }

    private static Simulation cluster(int bCopies, int cCopies, int cFromAsk) {
        Simulation sim = new Simulation(1);
        sim.network().delay(Duration.ofMillis(2), Duration.ofMillis(4));
        sim.add(ASKER, Asker::new);
        sim.add(B, env -> new Answerer(env, bCopies, 1));
        sim.add(C, env -> new Answerer(env, cCopies, cFromAsk));
        return sim;
    }

    @SuppressWarnings("unchecked")
    private static Gather<String> ask(Simulation sim) {
        SimRequest r = sim.request(ASKER, "ask");
        assertThat(sim.runUntil(r::done, Duration.ofSeconds(1))).isTrue();
        return (Gather<String>) r.result();
    }

    @Test
    void everyoneAnsweringOnceClosesTheGatherWithOneReplyEachAndItsRoundTrips() {
        Simulation sim = cluster(1, 1, 1);
        Gather<String> g = ask(sim);
        assertThat(g.replies()).isEqualTo(Map.of(ASKER, "self", B, "g-2", C, "g-3"));
        assertThat(g.silent()).isEmpty();
        assertThat(g.rtt(ASKER)).isZero();
        assertThat(g.rtt(B)).isBetween(4_000_000L, 8_000_000L);
        assertThat(sim.now()).as("closed by the last answer, not the timeout").isLessThan(10_000_000L);
        assertThat(sim.messageCounts()).containsEntry("Question", 2L).doesNotContainKey("Timeout");
    }

    @Test
    void duplicateRepliesFromOneSenderCountOnce() {
        Simulation sim = cluster(3, 0, 1);   // g-2 answers three times, g-3 never
        Gather<String> g = ask(sim);
        assertThat(g.replies()).as("g-2's copies do not stand in for g-3").containsOnlyKeys(ASKER, B);
        assertThat(g.silent()).containsExactly(C);
        assertThat(sim.now()).as("it waited for g-3 through both attempts").isGreaterThanOrEqualTo(199_000_000L);
        assertThat(((Asker) sim.core(ASKER)).lateAccepted).as("the extra copies were refused").isFalse();
    }

    @Test
    void aSilentNodeIsAskedAgainAndItsLateAnswerHasNoRoundTrip() {
        Simulation sim = cluster(1, 1, 2);   // g-3 ignores the first question
        Gather<String> g = ask(sim);
        assertThat(g.replies()).containsOnlyKeys(ASKER, B, C);
        assertThat(g.rtt(C)).as("which question did it answer?").isEqualTo(-1);
        assertThat(g.receivedAt(C)).isPositive();
        assertThat(sim.messageCounts()).containsEntry("Question", 3L);
    }

    @Test
    void withNobodyElseToAskTheAnswerIsImmediateAndRepliesToAClosedGatherAreRefused() {
        Simulation sim = new Simulation(2);
        sim.add(ASKER, Asker::new);
        Gather<String> g = ask(sim);
        assertThat(g.replies()).isEqualTo(Map.of(ASKER, "self"));
        assertThat(sim.now()).isZero();
        Asker a = (Asker) sim.core(ASKER);
        assertThat(a.gathers.accept(g.id(), B, "late")).isFalse();
        assertThat(a.gathers.accept("nobody#x.1", B, "stray")).isFalse();
        assertThat(a.gathers.handlesTimer(new Gathers.Timeout(g.id()))).isTrue();
    }
}
