package dsys.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

/** The console's alerts endpoint against a stub Alertmanager (a JDK HTTP server on a loopback port). */
class AlertsControllerTest {

  /** What Alertmanager 0.25 answers on /api/v2/alerts: two active alerts and one inhibited (state suppressed). */
  private static final String ALERTS = """
      [
        {"labels": {"alertname": "InstanceDown", "severity": "warning", "service": "kv-service", "node": "kv-2",
                    "instance": "127.0.0.1:8302"},
         "annotations": {"summary": "kv-service kv-2 does not answer scrapes (or left the registry)"},
         "startsAt": "2026-01-05T10:00:03.5Z", "endsAt": "2026-01-05T10:05:00Z", "fingerprint": "a1",
         "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}, "receivers": [{"name": "console"}]},
        {"labels": {"alertname": "ServiceDown", "severity": "critical", "service": "txn-coordinator"},
         "annotations": {"summary": "txn-coordinator has no live instance"},
         "startsAt": "2026-01-05T10:01:00Z", "endsAt": "2026-01-05T10:05:00Z", "fingerprint": "b2",
         "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}, "receivers": [{"name": "console"}]},
        {"labels": {"alertname": "InstanceDown", "severity": "warning", "service": "txn-coordinator", "node": "txn-1"},
         "annotations": {"summary": "held back by ServiceDown"},
         "startsAt": "2026-01-05T09:59:00Z", "endsAt": "2026-01-05T10:05:00Z", "fingerprint": "c3",
         "status": {"state": "suppressed", "silencedBy": [], "inhibitedBy": ["b2"]}, "receivers": [{"name": "console"}]}
      ]""";

  private final BlockingQueue<String> asked = new LinkedBlockingQueue<>();
  private final CountDownLatch never = new CountDownLatch(1);
  private HttpServer server;
  // Shut down after each test: its idle threads are not daemons and outlived the tests, so the test JVM could not
  // exit and surefire waited 30 s before killing it.
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    never.countDown();
    if (server != null) {
      server.stop(0);
    }
    threads.shutdownNow();
  }

  private URI alertmanager(int status, String body, boolean hang) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext("/", exchange -> {
      asked.add(exchange.getRequestURI().toString());
      if (hang) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static Map<String, Object> ask(URI alertmanager, Duration timeout) {
    ConsoleProperties props = new ConsoleProperties(URI.create("http://127.0.0.1:9"), alertmanager,
        List.of("time-service"), timeout);
    return new AlertsController(WebClient.builder(), props).alerts().block(Duration.ofSeconds(10));
  }

  @Test
  void firingAlertsMostSevereFirstWithoutTheSuppressedOnes() throws Exception {
    URI am = alertmanager(200, ALERTS, false);
    Map<String, Object> answer = ask(am, Duration.ofSeconds(2));

    assertThat(asked.take()).isEqualTo("/api/v2/alerts?active=true&silenced=false&inhibited=false");
    assertThat(answer).containsEntry("up", true).containsEntry("alertmanager", am.toString()).doesNotContainKey("detail");
    assertThat(answer.get("alerts")).asList().containsExactly(
        new AlertsController.Firing("ServiceDown", "critical", "txn-coordinator", null, null,
            "txn-coordinator has no live instance", "2026-01-05T10:01:00Z"),
        new AlertsController.Firing("InstanceDown", "warning", "kv-service", "kv-2", "127.0.0.1:8302",
            "kv-service kv-2 does not answer scrapes (or left the registry)", "2026-01-05T10:00:03.5Z"));
  }

  @Test
  void nothingFiringIsAnEmptyList() throws Exception {
    Map<String, Object> answer = ask(alertmanager(200, "[]", false), Duration.ofSeconds(2));
    assertThat(answer).containsEntry("up", true).containsEntry("alerts", List.of());
  }

  @Test
  void anAbsentAlertmanagerIsAnEmptyStateThatSaysWhy() throws IOException {
    URI dead;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
    Map<String, Object> answer = ask(dead, Duration.ofSeconds(2));
    assertThat(answer).containsEntry("up", false).containsEntry("alerts", List.of());
    assertThat((String) answer.get("detail")).contains("not answering", "prometheus-alertmanager");
  }

  @Test
  void aHangingAlertmanagerIsCutOffAtTheConsoleTimeout() throws IOException {
    URI am = alertmanager(200, "[]", true);
    long t0 = System.nanoTime();
    Map<String, Object> answer = ask(am, Duration.ofMillis(300));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    assertThat(answer).containsEntry("up", false);
    assertThat((String) answer.get("detail")).contains("Timeout");
  }

  @Test
  void anAnswerThatIsNotAListIsNotTakenForAlerts() throws IOException {
    Map<String, Object> answer = ask(alertmanager(200, "{\"status\":\"error\"}", false), Duration.ofSeconds(2));
    assertThat(answer).containsEntry("up", false).containsEntry("alerts", List.of());
    assertThat((String) answer.get("detail")).contains("not a list");
  }

  @Test
  void anErrorStatusCountsAsNotAnswering() throws IOException {
    Map<String, Object> answer = ask(alertmanager(500, "{}", false), Duration.ofSeconds(2));
    assertThat(answer).containsEntry("up", false).containsEntry("alerts", List.of());
  }
}
