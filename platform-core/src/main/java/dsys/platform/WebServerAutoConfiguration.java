package dsys.platform;

import dsys.platform.web.ProblemErrorValve;
import dsys.platform.web.PromptAnswers;
import org.apache.catalina.core.StandardHost;
import org.apache.coyote.http11.Http11Nio2Protocol;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite;
import org.springframework.web.servlet.mvc.method.annotation.HttpEntityMethodProcessor;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestResponseBodyMethodProcessor;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityReturnValueHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the services' web server spends its threads (measured on the lock nodes under the lock benchmark,
 * lock-service/README.md): Tomcat's NIO2 connector and futures answered on the request thread when they are
 * quick; and Tomcat's own error answers as problems. Switches: {@code dsys.web.nio2=false} (back to NIO), {@code dsys.web.prompt-answers=false} (every future
 * asynchronous), {@code dsys.web.prompt-wait} (default 20 ms; 0 answers only futures already complete).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class WebServerAutoConfiguration {

    /**
     * NIO2 instead of NIO: with NIO a poller thread finds each readable connection and hands it to a worker,
     * which hands it back when done; NIO2 completes the read on the worker that then processes the request.
     * Measured ~15 % less CPU per acquire+release on each lock node.
     */
    @Bean
    @ConditionalOnClass(TomcatServletWebServerFactory.class)
    @ConditionalOnProperty(name = "dsys.web.nio2", havingValue = "true", matchIfMissing = true)
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> dsysNio2Connector() {
        return factory -> factory.setProtocol(Http11Nio2Protocol.class.getName());
    }

    /** Errors Tomcat answers before the application sees the request are problems too ({@link ProblemErrorValve}). */
    @Bean
    @ConditionalOnClass(TomcatServletWebServerFactory.class)
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> dsysProblemErrors() {
        return factory -> factory.addContextCustomizers(context ->
                ((StandardHost) context.getParent()).setErrorReportValveClass(ProblemErrorValve.class.getName()));
    }

    @Bean
    @ConditionalOnProperty(name = "dsys.web.prompt-answers", havingValue = "true", matchIfMissing = true)
    static BeanPostProcessor dsysPromptAnswers(Environment env) {
        Duration wait = env.getProperty("dsys.web.prompt-wait", Duration.class, Duration.ofMillis(20));
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
                    adapter.setReturnValueHandlers(withPromptAnswers(adapter.getReturnValueHandlers(), wait));
                }
                return bean;
            }
        };
    }

    static List<HandlerMethodReturnValueHandler> withPromptAnswers(List<HandlerMethodReturnValueHandler> handlers,
                                                                  Duration wait) {
        HandlerMethodReturnValueHandler body = handlers.stream()
                .filter(RequestResponseBodyMethodProcessor.class::isInstance).findFirst().orElse(null);
        if (body == null) return handlers;
        // Spring 6.2 puts HttpEntityMethodProcessor inside a ResponseEntityReturnValueHandler (which also streams
        // emitter bodies); looking for the processor alone found nothing there, and every ResponseEntity (kv's reads
        // and writes) went through the async dispatch
        HandlerMethodReturnValueHandler entity = handlers.stream()
                .filter(h -> h instanceof ResponseEntityReturnValueHandler || h instanceof HttpEntityMethodProcessor)
                .findFirst().orElse(null);
        // First in line; a slow future goes on to Spring's own handlers (with Reactor present, the reactive one).
        HandlerMethodReturnValueHandlerComposite spring = new HandlerMethodReturnValueHandlerComposite().addHandlers(handlers);
        List<HandlerMethodReturnValueHandler> out = new ArrayList<>(handlers.size() + 1);
        out.add(new PromptAnswers(spring, body, entity, wait));
        out.addAll(handlers);
        return out;
    }
}
