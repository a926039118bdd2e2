package dsys.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A client that hangs up while its acquire waits: the gateway asks the very instance it routed the acquire to to
 * withdraw it, by the X-Dsys-Waiter id it tagged the acquire with, with the admin token. An acquire that was
 * answered is left alone. (lock-service's LiveClusterTest shows what a node does with the withdrawal.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "eureka.client.enabled=false",
    "dsys.admin-token=s3cret",
})
class AbandonedAcquireTest {
  private static final FakeInstance LOCK_1 = start();

  @LocalServerPort int port;

  private static FakeInstance start() {
    try {
      return new FakeInstance("lock-1");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @DynamicPropertySource
  static void instances(DynamicPropertyRegistry registry) {
    String prefix = "spring.cloud.discovery.client.simple.instances.lock-service[0].";
    registry.add(prefix + "uri", LOCK_1::uri);
    registry.add(prefix + "instance-id", () -> "lock-1");
    registry.add(prefix + "metadata.node", () -> "lock-1");
  }

  @AfterAll
  static void stop() {
    LOCK_1.close();
  }

  private Socket acquire(String lock) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    String body = "{\"owner\":\"bob\",\"leaseMs\":2000,\"waitMs\":20000}";
    s.getOutputStream().write(("POST /api/locks/" + lock + "/acquire HTTP/1.1\r\nHost: x\r\nX-Dsys-Waiter: forged\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  @Test
  void aClientThatHangsUpWhileQueuedIsWithdrawnAtTheNodeItWaitsAt() throws Exception {
    LOCK_1.received.clear();
    String waiter;
    try (Socket ignored = acquire("slow")) {
      List<String> queued = LOCK_1.received.poll(10, TimeUnit.SECONDS);
      assertThat(queued).isNotNull();
      assertThat(queued.subList(0, 2)).containsExactly("POST", "/api/locks/slow/acquire");
      waiter = queued.get(2);
      assertThat(waiter).as("the gateway's own id, not the client's").isNotNull().isNotEqualTo("forged");
    }   // hangs up
    List<String> withdraw = LOCK_1.received.poll(10, TimeUnit.SECONDS);
    assertThat(withdraw).containsExactly("DELETE", "/api/locks/slow/waiters/" + waiter, null,
        "Bearer s3cret");
  }

  @Test
  void anAnsweredAcquireIsLeftAlone() throws Exception {
    LOCK_1.received.clear();
    try (Socket s = acquire("fast")) {
      String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).endsWith("200");
    }
    assertThat(LOCK_1.received.poll(10, TimeUnit.SECONDS).get(0)).isEqualTo("POST");
    assertThat(LOCK_1.received.poll(1, TimeUnit.SECONDS)).as("no withdrawal").isNull();
  }
}
