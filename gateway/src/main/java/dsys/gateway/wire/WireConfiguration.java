package dsys.gateway.wire;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.NettyPipeline;

/**
 * {@link HeadWithBody} on both sides of the proxy: the callers' connections and the pooled ones to the services.
 * {@code dsys.gateway.head-with-body=false} leaves Reactor Netty's own writes (to compare).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "dsys.gateway.head-with-body", havingValue = "true", matchIfMissing = true)
class WireConfiguration {

  /** After the HTTP codec, so that it sees the messages before they are encoded. */
  private static final ChannelPipelineConfigurer INSTALL = (observer, channel, address) ->
      channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, HeadWithBody.NAME, new HeadWithBody());

  @Bean
  NettyServerCustomizer headWithBodyToCallers() {
    return server -> server.doOnChannelInit(INSTALL);
  }

  @Bean
  HttpClientCustomizer headWithBodyToServices() {
    return client -> client.doOnChannelInit(INSTALL);
  }
}
