package dsys.verifier.gen;

import java.util.SplittableRandom;

/** A real sequential object and a random client for it, driven by {@link RandomHistories}. */
interface Workload {

    record Invocation(String f, String key, Object value) {
    }

    record Result(boolean ok, Object value) {
    }

    Invocation next(SplittableRandom rnd, String process);

    /** Applies the call atomically to the real object. */
    Result apply(String process, Invocation call);
}
