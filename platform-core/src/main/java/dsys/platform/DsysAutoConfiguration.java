package dsys.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.clock.DriftingClock;
import dsys.core.fault.FaultState;
import dsys.platform.chaos.ChaosController;
import dsys.platform.chaos.CrashedNodeFilter;
import dsys.platform.events.EventPublisher;
import dsys.platform.events.EventReader;
import dsys.platform.events.EventsController;
import dsys.platform.events.JournalController;
import dsys.platform.host.CoreHosts;
import dsys.platform.host.NodeRuntime;
import dsys.platform.node.DsysProperties;
import dsys.platform.node.HostTimeAnchor;
import dsys.platform.node.NodeHealthIndicator;
import dsys.platform.node.NodeIdentity;
import dsys.platform.node.NodeInfoController;
import dsys.platform.storage.FileDurable;
import dsys.platform.storage.StorageMetrics;
import dsys.platform.transport.DsysJacksonModule;
import dsys.platform.transport.HttpTransport;
import dsys.platform.transport.ClusterSecret;
import dsys.platform.transport.MessageServlet;
import dsys.platform.transport.PeerAuth;
import dsys.platform.transport.PeerClient;
import dsys.platform.transport.PeerDirectory;
import dsys.platform.transport.Rejections;
import dsys.platform.tracing.StepTracing;
import dsys.platform.web.AdminInterceptor;
import dsys.platform.web.MaxBodyFilter;
import dsys.platform.web.ProblemHandler;
import dsys.platform.web.RequestIdFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.util.unit.DataSize;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The shared mechanisms every dsys service gets by depending on platform-core. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(DsysProperties.class)
@Import({ProblemHandler.class, NodeInfoController.class, ChaosController.class, EventsController.class,
        JournalController.class})
public class DsysAutoConfiguration {

    @Bean
    NodeIdentity nodeIdentity(DsysProperties props, @Value("${spring.application.name}") String app) {
        return NodeIdentity.from(props, app);
    }

    /** True time is the host clock, read monotonically from an anchor so host clock steps do not leak in. */
    @Bean
    DriftingClock nodeClock() {
        return DriftingClock.perfect(HostTimeAnchor.trueNanos(() -> {
            java.time.Instant now = java.time.Instant.now(); // microsecond precision on Linux, not whole ms
            return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
        }, System::nanoTime));
    }

    @Bean
    FaultState faultState() {
        return new FaultState();
    }

    @Bean(destroyMethod = "close")
    FileDurable durable(DsysProperties props, NodeIdentity id) {
        return new FileDurable(Path.of(props.getDataDir()).resolve(id.self().value()));
    }

    @Bean
    StorageMetrics storageMetrics(FileDurable durable) {
        return new StorageMetrics(durable);
    }

    @Bean
    DsysJacksonModule dsysJacksonModule() {
        return new DsysJacksonModule();
    }

    @Bean(destroyMethod = "close")
    EventPublisher eventPublisher(ObjectMapper json, MeterRegistry metrics, DsysProperties props, KafkaProperties kafka) {
        KafkaTemplate<String, String> template = null;
        if (props.getKafka().isEnabled()) {
            DefaultKafkaProducerFactory<String, String> producers = new DefaultKafkaProducerFactory<>(
                    kafka.buildProducerProperties(null),
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.StringSerializer());
            // The producer's own metrics (kafka_producer_*: records sent, errors, request latency) for the Kafka
            // dashboard; this factory is ours, so Boot's listener for its own factory does not reach it.
            producers.addListener(new MicrometerProducerListener<>(metrics));
            template = new KafkaTemplate<>(producers);
        }
        return new EventPublisher(json, metrics, template, props.getKafka().getTopic());
    }

    @Bean
    @ConditionalOnProperty(name = "dsys.kafka.enabled", havingValue = "true", matchIfMissing = true)
    EventReader eventReader(DsysProperties props, KafkaProperties kafka, ObjectMapper json) {
        return new EventReader(String.join(",", kafka.getBootstrapServers()), props.getKafka().getTopic(), json);
    }

    @Bean(destroyMethod = "close")
    NodeRuntime nodeRuntime(NodeIdentity id, DriftingClock clock, FileDurable durable, FaultState faults,
                            EventPublisher events, PeerDirectory peers, PeerAuth auth, ObjectMapper json,
                            MeterRegistry metrics, @Value("${dsys.transport.timeout:2s}") Duration timeout,
                            ObjectProvider<StepTracing> tracing) {
        NodeRuntime node = new NodeRuntime(id, clock, durable, faults, events);
        node.transport(new HttpTransport(node, peers, auth, json, metrics, timeout));
        node.tracing(tracing.getIfAvailable(() -> StepTracing.OFF));
        return node;
    }

    /** Signs and checks the messages between members; a node with peers and no dsys.cluster-secret fails here. */
    @Bean
    ClusterSecret clusterSecret(DsysProperties props, NodeIdentity id) {
        return ClusterSecret.of(props.getClusterSecret(), id);
    }

    @Bean
    PeerAuth peerAuth(NodeIdentity id, ClusterSecret secret) {
        return new PeerAuth(id, secret);
    }

    @Bean
    Rejections transportRejections(MeterRegistry metrics) {
        return new Rejections(metrics);
    }

    @Bean
    NodeHealthIndicator dsysNodeHealthIndicator(NodeRuntime node) {
        return new NodeHealthIndicator(node);
    }

    @Bean
    CoreHosts coreHosts(NodeRuntime node) {
        return new CoreHosts(node);
    }

    @Bean
    PeerDirectory peerDirectory(DsysProperties props, ObjectProvider<DiscoveryClient> discovery, NodeIdentity id) {
        return new PeerDirectory(props.getPeers(), discovery, id.service());
    }

    @Bean
    PeerClient peerClient(PeerDirectory peers, @Value("${dsys.transport.timeout:2s}") Duration timeout) {
        return new PeerClient(peers, timeout);
    }

    @Bean
    MessageServlet messageServlet(NodeRuntime node, ObjectMapper json, PeerAuth auth, Rejections rejections) {
        return new MessageServlet(node, json, auth, rejections);
    }

    @Bean
    ServletRegistrationBean<MessageServlet> messageServletRegistration(MessageServlet servlet) {
        ServletRegistrationBean<MessageServlet> r = new ServletRegistrationBean<>(servlet, MessageServlet.PATH);
        r.setName("dsysMessages");
        r.setLoadOnStartup(1);
        r.setAsyncSupported(true); // peers' message streams are read without holding a thread
        return r;
    }

    /** Peers' streams never end by themselves: end them first, or the graceful shutdown waits its full time. */
    @Bean
    SmartLifecycle messageStreamCloser(MessageServlet servlet) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                servlet.closeStreams();
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MAX_VALUE; // stopped first
            }
        };
    }

    @Bean
    FilterRegistrationBean<RequestIdFilter> requestIdFilter() {
        FilterRegistrationBean<RequestIdFilter> r = new FilterRegistrationBean<>(new RequestIdFilter());
        r.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return r;
    }

    @Bean
    FilterRegistrationBean<MaxBodyFilter> maxBodyFilter(ObjectMapper json, @Value("${dsys.web.max-body}") DataSize max) {
        FilterRegistrationBean<MaxBodyFilter> r = new FilterRegistrationBean<>(new MaxBodyFilter(max.toBytes(), json, MessageServlet.PATH));
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 5); // after the request id, which its problems carry
        return r;
    }

    @Bean
    FilterRegistrationBean<CrashedNodeFilter> crashedNodeFilter(NodeRuntime node) {
        FilterRegistrationBean<CrashedNodeFilter> r = new FilterRegistrationBean<>(new CrashedNodeFilter(node));
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return r;
    }

    /** Node-to-node messages are counted by the transport (dsys.messages.*); timing each as an HTTP request costs CPU. */
    @Bean
    ObservationPredicate skipInternalMessages() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext c
                && c.getCarrier().getRequestURI().startsWith("/internal/"));
    }

    @Bean
    WebMvcConfigurer dsysAdminRoutes(DsysProperties props) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new AdminInterceptor(props.getAdminToken()));
            }
        };
    }
}
