package dsys.lock.arch;

import dsys.arch.CoreRules;
import org.junit.jupiter.api.Test;

/** The lock, election and agreement cores are plain Java; the Spring adapters live in the root and *.api packages. */
class CorePurityTest {

    @Test
    void lockCoresArePlainJava() {
        CoreRules.coresArePlainJava(new String[]{"dsys.lock.."}, "dsys.lock", "dsys.lock.api..", "dsys.lock.coordination.api..")
                .check(CoreRules.mainClasses("dsys.lock"));
    }
}
