package dsys.platform;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DsysDefaultsTest {

    static StandardEnvironment withDefaults() {
        StandardEnvironment env = new StandardEnvironment();
        new DsysDefaults().postProcessEnvironment(env, null);
        return env;
    }

    @Test
    void theWebServerListensOnLoopbackUnlessOneSettingOpensIt() {
        assertThat(withDefaults().getProperty("server.address")).isEqualTo("127.0.0.1");

        StandardEnvironment opened = withDefaults();
        opened.getPropertySources().addFirst(new SystemEnvironmentPropertySource("env", Map.of("DSYS_BIND_ADDRESS", "0.0.0.0")));
        assertThat(opened.getProperty("server.address")).as("compose's environment variable").isEqualTo("0.0.0.0");

        StandardEnvironment own = withDefaults();
        own.getPropertySources().addFirst(new MapPropertySource("args", Map.of("dsys.bind-address", "10.0.0.7")));
        assertThat(own.getProperty("server.address")).isEqualTo("10.0.0.7");
    }
}
