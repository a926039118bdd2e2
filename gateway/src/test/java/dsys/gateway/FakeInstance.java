package dsys.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A downstream instance on a random loopback port that answers with what it received and who it
 * is. Paths ending in {@code /slow} or with a {@code /slow/} segment hang until {@link #close()}; {@code /boom}
 * answers 500. {@link #received} lists every request's method, path and its X-Dsys-Waiter and Authorization.
 */
final class FakeInstance implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final String node;
  final AtomicInteger boomHits = new AtomicInteger();
  final java.util.concurrent.BlockingQueue<List<String>> received = new java.util.concurrent.LinkedBlockingQueue<>();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-instance");
    t.setDaemon(true);
    return t;
  });
  private final CountDownLatch release = new CountDownLatch(1);

  FakeInstance(String node) throws IOException {
    this.node = node;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads); // a hanging /slow must not block the others
    server.createContext("/", this::handle);
    server.start();
  }

  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A port nothing listens on: a registered instance that is down. */
  static String deadUri() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    int status = 200;
    // the load balancer's health checks are not requests of the tests' clients
    if (!path.equals("/actuator/health")) received.add(java.util.Arrays.asList(exchange.getRequestMethod(), path,
        exchange.getRequestHeaders().getFirst("X-Dsys-Waiter"), exchange.getRequestHeaders().getFirst("Authorization")));
    if (path.endsWith("/slow") || path.contains("/slow/")) {
      awaitRelease();
    } else if (path.endsWith("/boom")) {
      boomHits.incrementAndGet();
      status = 500;
    }
    Map<String, Object> echo = new LinkedHashMap<>();
    echo.put("node", node);
    echo.put("method", exchange.getRequestMethod());
    echo.put("path", path);
    echo.put("requestId", exchange.getRequestHeaders().getFirst("X-Request-Id"));
    echo.put("authorization", exchange.getRequestHeaders().getFirst("Authorization"));
    echo.put("traceparent", exchange.getRequestHeaders().getFirst("traceparent"));
    echo.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    byte[] bytes = JSON.writeValueAsBytes(echo);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("X-Request-Id", "downstream-echo"); // the gateway's value must win
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private void awaitRelease() {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
