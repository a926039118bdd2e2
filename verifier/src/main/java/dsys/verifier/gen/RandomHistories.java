package dsys.verifier.gen;

import dsys.verifier.history.History;
import dsys.verifier.history.HistoryRecorder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Histories of real sequential objects under random concurrency: each call takes effect
 * atomically at a random moment between its invocation and its completion, so every history
 * produced is linearizable by construction. With {@code crashRate} > 0, some calls end in
 * {@code info} (the client crashed before or after the effect) and the process is replaced
 * by a fresh one. Written values are unique per history. Same seed, same history.
 */
public final class RandomHistories {
    private RandomHistories() {
    }

    public static History register(long seed, int ops, int keys, int processes, double crashRate) {
        return simulate(seed, ops, processes, crashRate, new RegisterWorkload(keys, false));
    }

    public static History casRegister(long seed, int ops, int keys, int processes, double crashRate) {
        return simulate(seed, ops, processes, crashRate, new RegisterWorkload(keys, true));
    }

    /** Non-blocking lock: an acquire of a held lock fails. Fenced grants return {owner, token}. */
    public static History mutex(long seed, int ops, int locks, int processes, double crashRate, boolean fenced) {
        return simulate(seed, ops, processes, crashRate, new MutexWorkload(locks, fenced));
    }

    static History simulate(long seed, int ops, int processes, double crashRate, Workload w) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] clock = {0};
        HistoryRecorder rec = new HistoryRecorder(() -> clock[0] += 1 + rnd.nextInt(1000), null);
        String[] proc = new String[processes];
        HistoryRecorder.Pending[] pending = new HistoryRecorder.Pending[processes];
        Workload.Invocation[] call = new Workload.Invocation[processes];
        Workload.Result[] result = new Workload.Result[processes];
        for (int i = 0; i < processes; i++) proc[i] = "p" + i;
        int nextId = processes;
        int invoked = 0;
        List<Integer> busy = new ArrayList<>();
        while (invoked < ops || !busy.isEmpty()) {
            int s = invoked < ops ? rnd.nextInt(processes) : busy.get(rnd.nextInt(busy.size()));
            if (pending[s] == null) {
                call[s] = w.next(rnd, proc[s]);
                pending[s] = rec.invoke(proc[s], call[s].f(), call[s].key(), call[s].value());
                invoked++;
                busy.add(s);
                continue;
            }
            boolean crash = rnd.nextDouble() < crashRate / 2;
            if (result[s] == null && !crash) {
                result[s] = w.apply(proc[s], call[s]);
                continue;
            }
            if (crash) {
                pending[s].info("crashed");
                proc[s] = "p" + nextId++;
            } else if (result[s].ok()) {
                pending[s].ok(result[s].value());
            } else {
                pending[s].fail("rejected");
            }
            pending[s] = null;
            result[s] = null;
            busy.remove(Integer.valueOf(s));
        }
        return rec.history();
    }

    private static final class RegisterWorkload implements Workload {
        private final int keys;
        private final boolean cas;
        private final Map<String, Long> state = new HashMap<>();
        private long nextValue = 1;

        RegisterWorkload(int keys, boolean cas) {
            this.keys = keys;
            this.cas = cas;
        }

        @Override
        public Invocation next(SplittableRandom rnd, String process) {
            String key = "k" + rnd.nextInt(keys);
            int kind = rnd.nextInt(cas ? 3 : 2);
            if (kind == 0) return new Invocation("read", key, null);
            if (kind == 1) return new Invocation("write", key, nextValue++);
            Long current = state.get(key);
            Long expected = rnd.nextBoolean() ? current : (Long) (long) rnd.nextInt((int) Math.min(nextValue, 1 << 20));
            if (expected != null && expected == 0) expected = null;
            return new Invocation("cas", key, Arrays.asList(expected, nextValue++));
        }

        @Override
        public Result apply(String process, Invocation c) {
            switch (c.f()) {
                case "read":
                    return new Result(true, state.get(c.key()));
                case "write":
                    state.put(c.key(), (Long) c.value());
                    return new Result(true, c.value());
                default:
                    List<?> l = (List<?>) c.value();
                    if (!Objects.equals(state.get(c.key()), l.get(0))) return new Result(false, c.value());
                    state.put(c.key(), (Long) l.get(1));
                    return new Result(true, c.value());
            }
        }
    }

    private static final class MutexWorkload implements Workload {
        private final int locks;
        private final boolean fenced;
        private final Map<String, String> holder = new HashMap<>();
        private final Map<String, Long> tokens = new HashMap<>();

        MutexWorkload(int locks, boolean fenced) {
            this.locks = locks;
            this.fenced = fenced;
        }

        @Override
        public Invocation next(SplittableRandom rnd, String process) {
            for (Map.Entry<String, String> e : holder.entrySet()) {
                if (e.getValue().equals(process) && rnd.nextInt(4) != 0) return new Invocation("release", e.getKey(), process);
            }
            String lock = "l" + rnd.nextInt(locks);
            return new Invocation(rnd.nextInt(5) == 0 ? "release" : "acquire", lock, process);
        }

        @Override
        public Result apply(String process, Invocation c) {
            String held = holder.get(c.key());
            if (c.f().equals("release")) {
                if (!process.equals(held)) return new Result(false, process);
                holder.remove(c.key());
                return new Result(true, process);
            }
            if (held != null) return new Result(false, process);
            holder.put(c.key(), process);
            if (!fenced) return new Result(true, process);
            long token = tokens.merge(c.key(), 1L, Long::sum);
            return new Result(true, Map.of("owner", process, "token", token));
        }
    }
}
