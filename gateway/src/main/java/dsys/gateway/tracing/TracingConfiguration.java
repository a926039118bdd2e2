package dsys.gateway.tracing;

import brave.sampler.RateLimitingSampler;
import brave.sampler.Sampler;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Which routed requests start a trace: at most {@code dsys.tracing.traces-per-second} a second (default 10;
 * negative: all; 0: only those whose caller sent a sampled {@code traceparent}). A person clicking through the
 * console is traced in full; a benchmark's thousands of requests a second cost Zipkin and the services at most that
 * many traces. Replaces Boot's probability sampler ({@code management.tracing.sampling.probability} is not read).
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

  @Bean
  Sampler dsysTraceSampler(@Value("${dsys.tracing.traces-per-second:10}") int perSecond) {
    if (perSecond < 0) return Sampler.ALWAYS_SAMPLE;
    return perSecond == 0 ? Sampler.NEVER_SAMPLE : RateLimitingSampler.create(perSecond);
  }
}
