package dsys.arch;

import org.junit.jupiter.api.Test;

/** DESIGN principle 1: nothing under dsys.core may reach for a framework, I/O, threads or the wall clock. */
class CorePurityTest {

    @Test
    void corePackagesArePlainJava() {
        CoreRules.coresArePlainJava(new String[]{"dsys.core.."}).check(CoreRules.mainClasses("dsys.core"));
    }
}
