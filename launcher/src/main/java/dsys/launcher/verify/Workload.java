package dsys.launcher.verify;

import dsys.verifier.history.History;
import dsys.verifier.history.HistoryRecorder;

import java.util.List;

/** What the clients do and how their history is judged. One instance per run; {@link #step} is called concurrently. */
interface Workload {

    /** The nodes under test (the nemesis' targets), e.g. kv-1..3. */
    List<String> nodes();

    /** Before the clients and the faults start: what the workload needs to exist (bank: its accounts), recorded like any op. */
    default void setup(HistoryRecorder rec) {
    }

    /**
     * One operation of process {@code process}, pinned to {@code node}, recorded into {@code rec}.
     *
     * @return false when the operation ended {@code info}: the process must not invoke again
     */
    boolean step(HistoryRecorder rec, String process, String node);

    /** After the faults healed: reads that show what survived (every acknowledged write), recorded like any op. */
    void finalReads(HistoryRecorder rec, String process);

    Judgement check(History history);
}
