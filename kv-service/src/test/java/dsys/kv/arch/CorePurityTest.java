package dsys.kv.arch;

import dsys.arch.CoreRules;
import org.junit.jupiter.api.Test;

/** The quorum store's core is plain Java; the Spring application class and adapters live in dsys.kv and the api packages (REST; the commit participant's resources). */
class CorePurityTest {

    @Test
    void kvCoresArePlainJava() {
        CoreRules.coresArePlainJava(new String[]{"dsys.kv.."}, "dsys.kv", "dsys.kv.api..", "dsys.kv.txn.api..")
                .check(CoreRules.mainClasses("dsys.kv"));
    }
}
