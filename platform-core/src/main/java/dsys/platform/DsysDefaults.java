package dsys.platform;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Puts {@code dsys-defaults.properties} (Eureka timings, actuator, Kafka, problems) under every service's own config. */
public class DsysDefaults implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication app) {
        if (env.getPropertySources().contains("dsys-defaults")) return;
        try {
            env.getPropertySources().addLast(new ResourcePropertySource("dsys-defaults", new ClassPathResource("dsys-defaults.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
