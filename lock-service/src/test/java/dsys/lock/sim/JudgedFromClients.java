package dsys.lock.sim;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * After each test, every {@link LockSim} it made and did not judge itself is judged from its clients' side (the
 * verifier's LockChecker), so no simulated run goes unchecked. Tests run one at a time per thread.
 */
public final class JudgedFromClients implements AfterEachCallback {

    private static final ThreadLocal<List<LockSim>> PENDING = ThreadLocal.withInitial(ArrayList::new);

    static void register(LockSim ls) {
        PENDING.get().add(ls);
    }

    static void done(LockSim ls) {
        PENDING.get().remove(ls);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<LockSim> sims = List.copyOf(PENDING.get());
        PENDING.get().clear();
        for (LockSim ls : sims) ls.assertSafe();
    }
}
