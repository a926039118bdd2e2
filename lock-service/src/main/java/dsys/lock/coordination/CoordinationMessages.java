package dsys.lock.coordination;

import dsys.core.message.Message;

import java.util.List;
import java.util.Map;

/** Messages between coordination cores, besides the elections' own. */
public final class CoordinationMessages {

    private CoordinationMessages() {
    }

    /** "How many messages did you send for this election round?" — to report one election's total cost. */
    public record TallyQuery(long query, String algorithm, String round) implements Message {
        @Override
        public String type() {
            return "coordination.tally-query";
        }
    }

    public record TallyReply(long query, Map<String, Long> sent) implements Message {
        @Override
        public String type() {
            return "coordination.tally-reply";
        }
    }

    /** Starts a live Byzantine run in which every lock node is one general; replies go to the sender. */
    public record AgreementBegin(long run, List<String> generals, Map<String, String> values, List<String> traitors,
                                 int rounds, long seed, String strategy) implements Message {
        @Override
        public String type() {
            return "byzantine.begin";
        }
    }

    /**
     * One general's report for one round (round 1: its value, step 1; round 2: its vector, step 3; later rounds:
     * relays), keyed by EIG path ("" for the root, "0.2" …).
     */
    public record AgreementReport(long run, int round, int from, Map<String, String> entries) implements Message {
        @Override
        public String type() {
            return round == 1 ? "byzantine.value" : "byzantine.vector";
        }
    }

    /** A general's final state, sent to the node that started the run. */
    public record AgreementDone(long run, int index, boolean loyal, List<String> vector, List<List<String>> received,
                                List<String> result, String decision, Map<String, Long> sent) implements Message {
        @Override
        public String type() {
            return "byzantine.done";
        }
    }
}
