package dsys.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // tests switch metrics export off by default
class RegistryApplicationTest {

  @Autowired TestRestTemplate http;
  @Autowired ServletWebServerApplicationContext context;

  @Test
  void listensOnLoopbackOnly() {
    // dsys.bind-address (env DSYS_BIND_ADDRESS) opens it, in compose
    Object address = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector().getProperty("address");
    assertThat(address).isInstanceOfSatisfying(InetAddress.class, a -> assertThat(a.isLoopbackAddress()).isTrue());
  }

  @Test
  void acceptsARegistrationAndServesItAtOnce() {
    // The instance shape every service sends (instance-id = node id, metadata node).
    String body = """
        {"instance":{"instanceId":"kv-2","hostName":"127.0.0.1","app":"KV-SERVICE",
          "ipAddr":"127.0.0.1","status":"UP","port":{"$":8302,"@enabled":"true"},
          "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},
          "leaseInfo":{"renewalIntervalInSecs":3,"durationInSecs":10},
          "metadata":{"node":"kv-2"}}}""";
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    ResponseEntity<Void> registered =
        http.exchange("/eureka/apps/KV-SERVICE", HttpMethod.POST, new HttpEntity<>(body, headers), Void.class);
    assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

    // Visible within the 1 s response cache, not the default 30 s. The read-only cache is refreshed
    // by a timer, so poll briefly rather than sleep a fixed time.
    headers = new HttpHeaders();
    headers.setAccept(java.util.List.of(MediaType.APPLICATION_JSON));
    long deadline = System.nanoTime() + 3_000_000_000L;
    String apps = "";
    while (System.nanoTime() < deadline && !apps.contains("\"kv-2\"")) {
      apps = http.exchange("/eureka/apps", HttpMethod.GET, new HttpEntity<>(headers), String.class).getBody();
    }
    assertThat(apps).contains("\"instanceId\":\"kv-2\"");
  }

  @Test
  void exposesHealthAndPrometheus() {
    assertThat(http.getForObject("/actuator/health", String.class)).contains("\"UP\"");
    assertThat(http.getForObject("/actuator/prometheus", String.class))
        .contains("jvm_memory_used_bytes")
        .contains("service=\"registry\"");
  }
}
