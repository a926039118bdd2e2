package dsys.platform.tracing;

import brave.TracingCustomizer;
import brave.sampler.RateLimitingSampler;
import brave.sampler.Sampler;
import dsys.platform.node.NodeIdentity;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.tracing.BraveAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * Tracing on a service node (Micrometer Tracing over Brave, W3C {@code traceparent}, spans to Zipkin; the settings
 * are in dsys-defaults.properties). Traces start at the gateway, the platform's one entry; a node continues the
 * sampled ones it is called in and starts none of its own ({@code dsys.tracing.traces-per-second}, default 0), so
 * its health checks, scrapes and registry heartbeats never fill Zipkin. Spans are reported under the node's id
 * (lock-2), so a trace shows which node did what.
 */
@AutoConfiguration(before = BraveAutoConfiguration.class)
@ConditionalOnClass(Sampler.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class DsysTracingConfiguration {

    /** Replaces Boot's probability sampler: at most N new traces a second, none at 0, all when negative. */
    @Bean
    Sampler dsysTraceSampler(@Value("${dsys.tracing.traces-per-second:0}") int perSecond) {
        return sampler(perSecond);
    }

    public static Sampler sampler(int perSecond) {
        if (perSecond < 0) return Sampler.ALWAYS_SAMPLE;
        return perSecond == 0 ? Sampler.NEVER_SAMPLE : RateLimitingSampler.create(perSecond);
    }

    @Bean
    TracingCustomizer dsysTraceServiceName(NodeIdentity identity) {
        return builder -> builder.localServiceName(identity.self().value());
    }

    @Bean
    StepTracing stepTracing(Tracer tracer, Propagator propagator) {
        return new MicrometerStepTracing(tracer, propagator);
    }
}
