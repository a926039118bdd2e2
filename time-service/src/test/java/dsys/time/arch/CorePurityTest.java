package dsys.time.arch;

import dsys.arch.CoreRules;
import org.junit.jupiter.api.Test;

/** The clock-synchronisation cores are plain Java; adapters: the root, api and config packages and the UDP server. */
class CorePurityTest {

    @Test
    void timeCoresArePlainJava() {
        CoreRules.coresArePlainJava(new String[]{"dsys.time.."}, "dsys.time", "dsys.time.api..", "dsys.time.config..",
                "dsys.time.ntp.server..").check(CoreRules.mainClasses("dsys.time"));
    }
}
