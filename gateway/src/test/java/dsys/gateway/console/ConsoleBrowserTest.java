package dsys.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's headless Chromium through chromedriver) against a running platform:
 * scripts/e2e.sh runs it after {@code ./platform up} with {@code -Ddsys.console.url=http://127.0.0.1:8080}; without
 * that property (the ordinary build) it does not run. Screenshots go to {@code dsys.console.screenshots}
 * (default {@code target/console-screenshots}, i.e. gateway/target/console-screenshots).
 *
 * <p>Without chromium it is skipped with a loud message, unless {@code DSYS_REQUIRE_BROWSER} is set (CI sets it:
 * .ci/run installs chromium), where a missing browser fails.
 */
@EnabledIfSystemProperty(named = "dsys.console.url", matches = ".+")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String RED = "rgba(198, 40, 40, 1)";   // console.css --down
  private static final String GREEN = "rgba(46, 139, 87, 1)";  // console.css --up
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private static String url;
  private static String token;
  private static Path shots;
  private static Path profile;
  private static ChromeDriver driver;
  private static int shot;

  @BeforeAll
  static void open() throws IOException {
    url = System.getProperty("dsys.console.url").replaceAll("/$", "");
    token = System.getProperty("dsys.admin-token", "");
    shots = Path.of(System.getProperty("dsys.console.screenshots", "target/console-screenshots"));
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      String why = "console browser test: " + CHROMIUM + " or " + CHROMEDRIVER + " is missing (apt-get install chromium chromium-driver)";
      if (System.getenv("DSYS_REQUIRE_BROWSER") != null) {
        fail(why + "; DSYS_REQUIRE_BROWSER is set, so this is a failure");
      }
      System.err.println("\n" + "!".repeat(100) + "\n!!! SKIPPED " + why + "\n" + "!".repeat(100) + "\n");
      Assumptions.abort(why);
    }
    assertThat(token).as("-Ddsys.admin-token (./platform token)").isNotBlank();
    Files.createDirectories(shots);
    profile = Files.createTempDirectory("dsys-console-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // This machine's closed network refuses Chromium's background connections: switch every one of them off.
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1400,3000");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  static void close() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (token != null && !token.isBlank() && url != null) {
      api("DELETE", "/api/chaos"); // leave no fault behind, whatever failed
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void pageLoadsWithoutConsoleErrorsAndListsEveryInstance() throws Exception {
    driver.get(url + "/");
    List<String> registered = eurekaInstances();
    assertThat(registered).as("instances UP in Eureka").isNotEmpty();
    // A gateway just started answers its first requests slowly: the first listing may take a while.
    waitFor("every instance listed", Duration.ofSeconds(60),
        () -> registered.stream().allMatch(n -> !driver.findElements(node(n)).isEmpty()));
    // Let every view finish its first requests before reading the log.
    Thread.sleep(3000);
    screenshot("loaded");
    List<String> errors = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        errors.add(e.getMessage());
      }
    }
    assertThat(errors).as("console errors on load").isEmpty();
    // the replication roles of kv's built-in keyspaces are on the kv nodes' cards
    waitFor("kv roles shown (pb primary, chain head and tail)", Duration.ofSeconds(20), () -> {
      String roles = driver.findElements(By.cssSelector(".node .role")).stream().map(WebElement::getText)
          .reduce("", (a, b) -> a + "|" + b);
      return roles.contains("pb primary") && roles.contains("chain head") && roles.contains("chain tail");
    });
    driver.findElement(By.id("token")).sendKeys(token);
    driver.findElement(By.cssSelector("#token-form button")).click();
    waitFor("token kept", () -> driver.findElement(By.id("token-state")).getText().contains("kept"));
  }

  @Test
  @Order(2)
  void theDiagramDrawsTheMessagesOfALockAcquire() {
    // The journals record only while watched: the page reads them from the start, so these acquires are recorded.
    // A lock whose acting node is the coordinator is granted without a message: try names until one is not.
    // A minute of history in view: on a loaded machine the journals arrive seconds late.
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("diagram-window"))).selectByValue("60000");
    WebElement form = driver.findElement(By.id("lock-form"));
    for (int attempt = 0; attempt < 8; attempt++) {
      String lock = "console-" + System.nanoTime();
      type(form.findElement(By.name("name")), lock);
      long clickedAt = ((Number) driver.executeScript("return Date.now()")).longValue();
      form.findElement(By.name("acquire")).click();
      waitFor("grant of " + lock, () -> driver.findElement(By.id("lock-result")).getText().contains("granted " + lock));
      String result = driver.findElement(By.id("lock-result")).getText();
      form.findElement(By.name("release")).click();
      JsonNode byType = json(result.replaceAll("(?s).* messages (\\{.*}).*", "$1"));
      if (byType.isEmpty()) {
        continue;
      }
      List<String> types = new ArrayList<>();
      byType.fieldNames().forEachRemaining(types::add);
      waitFor("the acquire's " + types + " between lock nodes in the diagram",
          () -> lockMessageTypesSince(clickedAt).containsAll(types));
      // The acquire was traced (the gateway samples what a person does): its activity line and its steps' dots
      // link to the trace in Zipkin.
      WebElement activity = driver.findElement(By.cssSelector("#log li a[href^='" + ZIPKIN_TRACES + "']"));
      String trace = activity.getAttribute("href");
      waitFor("a step of the acquire's trace in the diagram, linked to Zipkin", () -> !driver.findElements(
          By.cssSelector("#diagram-svg a.trace-link[href='" + trace + "'] circle.traced")).isEmpty());
      screenshot("lock-acquire-diagram");
      return;
    }
    fail("no acquire of 8 went through another node than the coordinator: no messages to draw");
  }

  private static final String ZIPKIN_TRACES = "http://127.0.0.1:9411/zipkin/traces/";

  /** Types of the arrows between two lock nodes sent after {@code since} (browser time), as drawn now. */
  @SuppressWarnings("unchecked")
  private static List<String> lockMessageTypesSince(long since) {
    return (List<String>) driver.executeScript("""
        return [...document.querySelectorAll('#diagram-svg line.msg')]
          .filter(l => l.dataset.from.startsWith('lock-') && l.dataset.to.startsWith('lock-') && Number(l.dataset.sent) >= arguments[0])
          .map(l => l.dataset.type)""", since - 1000);
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + text, e);
    }
  }

  @Test
  @Order(3)
  void crashingANodeTurnsItRedAndRestartingItGreen() {
    String victim = "time-3";
    click(victim + "'s crash button", () -> driver.findElement(node(victim)).findElement(By.cssSelector("button.crash")));
    waitFor(victim + " shown crashed", () -> "down".equals(driver.findElement(node(victim)).getDomAttribute("data-state")));
    assertThat(driver.findElement(node(victim)).getCssValue("border-left-color")).isEqualTo(RED);
    screenshot("crashed-" + victim);
    click(victim + "'s restart button", () -> driver.findElement(node(victim)).findElement(By.cssSelector("button.restart")));
    waitFor(victim + " shown up again", () -> "up".equals(driver.findElement(node(victim)).getDomAttribute("data-state")));
    assertThat(driver.findElement(node(victim)).getCssValue("border-left-color")).isEqualTo(GREEN);
    screenshot("restarted-" + victim);
  }

  @Test
  @Order(4)
  void aPartitionMadeByDraggingShowsInChaosAndAStaleReadIsShown() throws Exception {
    String key = "console-" + System.nanoTime();
    WebElement kv = driver.findElement(By.id("kv-form"));
    type(kv.findElement(By.name("key")), key);
    type(kv.findElement(By.name("value")), "before");
    kv.findElement(By.name("put")).click();
    waitFor("first put", () -> driver.findElement(By.id("kv-result")).getText().startsWith("put " + key + "=before"));

    // Drag kv-1 into group B and partition: kv-1 alone, everyone else together.
    // The board is redrawn when the topology changes (time-3 just restarted): a drag whose chip was replaced
    // mid-way does nothing, so drag again until the chip is in group B.
    waitFor("kv-1 in group B", () -> {
      if (!driver.findElements(By.cssSelector(".group[data-group='1'] .chip[data-node='kv-1']")).isEmpty()) {
        return true;
      }
      WebElement chip = driver.findElement(By.cssSelector("#partition-board .chip[data-node='kv-1']"));
      WebElement groupB = driver.findElement(By.cssSelector("#partition-board .group[data-group='1']"));
      new Actions(driver).clickAndHold(chip).moveToElement(groupB).release().perform();
      return !driver.findElements(By.cssSelector(".group[data-group='1'] .chip[data-node='kv-1']")).isEmpty();
    });
    driver.findElement(By.id("partition-apply")).click();
    waitFor("partition in /api/chaos", () -> {
      JsonNode groups = api("GET", "/api/chaos").path("nodes").path("kv-1").path("body").path("partitions");
      for (JsonNode g : groups) {
        if (g.size() == 1 && g.get(0).asText().equals("kv-1")) {
          return true;
        }
      }
      return false;
    });
    JsonNode others = api("GET", "/api/chaos").path("nodes").path("kv-2").path("body").path("partitions");
    assertThat(others.toString()).as("kv-2's view of the partition").contains("[\"kv-1\"]");
    screenshot("partitioned-kv-1");

    // The majority side takes a new value; kv-1, cut off, still answers read=one with its old copy.
    new org.openqa.selenium.support.ui.Select(kv.findElement(By.name("node"))).selectByVisibleText("kv-2");
    type(kv.findElement(By.name("value")), "after");
    kv.findElement(By.name("put")).click();
    waitFor("put on the majority side", () -> driver.findElement(By.id("kv-result")).getText().startsWith("put " + key + "=after via kv-2"));
    kv.findElement(By.name("replicas")).click();
    waitFor("kv-1 shown stale", () -> cell("kv-1", 3).equals("STALE") && cell("kv-2", 1).equals("after"));
    assertThat(cell("kv-1", 1)).as("kv-1's copy under the partition").isNotEqualTo("after");
    screenshot("stale-read-kv-1");

    driver.findElement(By.id("heal")).click();
    waitFor("healed", () -> !api("GET", "/api/chaos").toString().contains("[\"kv-1\"]"));
  }

  /**
   * The alerts panel shows what {@code /api/console/alerts} (Alertmanager) answers, rows and header badge alike.
   * Alerts come and go (the crash above may fire one), so each look compares the panel with a fresh answer. With
   * {@code -Ddsys.console.expect-alert=NAME/SERVICE} (e2e, after killing txn-1) that alert must be among the rows.
   * It loads the page itself, so it also runs alone ({@code -Dtest=ConsoleBrowserTest#theAlertsPanel*}).
   */
  @Test
  @Order(5)
  void theAlertsPanelShowsWhatAlertmanagerFires() {
    if (!driver.getCurrentUrl().startsWith(url)) {
      driver.get(url + "/");
    }
    String expected = System.getProperty("dsys.console.expect-alert", "");
    List<String> last = new ArrayList<>();
    waitFor("the alerts panel shows what /api/console/alerts answers" + (expected.isEmpty() ? "" : ", " + expected),
        Duration.ofSeconds(60), () -> {
          JsonNode answer = api("GET", "/api/console/alerts");
          String state = driver.findElement(By.id("alerts-state")).getText();
          if (!answer.path("up").asBoolean()) {
            return expected.isEmpty() && state.contains("not answering");
          }
          List<String> firing = new ArrayList<>();
          answer.path("alerts").forEach(a -> firing.add(a.path("name").asText() + "/" + a.path("service").asText()));
          List<String> shown = new ArrayList<>();
          for (WebElement row : driver.findElements(By.cssSelector("#alerts-table tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (!cells.isEmpty()) {
              shown.add(cells.get(0).getText() + "/" + cells.get(2).getText().split(" / ")[0]);
            }
          }
          last.clear();
          last.addAll(shown);
          String badge = driver.findElement(By.id("alerts-badge")).getText();
          return shown.equals(firing) && (expected.isEmpty() || shown.contains(expected))
              && badge.equals(firing.isEmpty() ? "no alert firing" : firing.size() + (firing.size() > 1 ? " alerts firing" : " alert firing"));
        });
    System.out.println("alerts shown in the console: " + last);
    screenshot("alerts");
  }

  /**
   * The Transactions panel: a committed transfer shows both participants COMMIT; one with txn-1 armed to crash at
   * before-decision gets no outcome (the participants hold the accounts, READY); after txn-1's restart the panel's
   * refresh shows the coordinator and every participant ABORT.
   */
  @Test
  @Order(6)
  void aTransferWhoseCoordinatorCrashesShowsTheParticipantsBlockedThenAborted() {
    if (!driver.getCurrentUrl().startsWith(url)) {
      driver.get(url + "/");
    }
    WebElement form = driver.findElement(By.id("txn-form"));
    String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    type(form.findElement(By.name("from")), "browser-" + run + "-a");
    type(form.findElement(By.name("to")), "browser-" + run + "-b");
    click("open accounts", () -> driver.findElement(By.cssSelector("#txn-form button[name=open]")));
    waitFor("accounts opened", () -> driver.findElement(By.id("txn-result")).getText().contains("hold 100 each"));
    click("transfer", () -> driver.findElement(By.cssSelector("#txn-form button[name=transfer]")));
    waitFor("a committed transfer with its participants", Duration.ofSeconds(30),
        () -> driver.findElement(By.id("txn-result")).getText().contains("committed") && !participantStates().isEmpty()
            && participantStates().values().stream().allMatch(s -> s.equals("COMMIT")));
    new org.openqa.selenium.support.ui.Select(form.findElement(By.name("crash"))).selectByVisibleText("before-decision");
    click("transfer with a crash", () -> driver.findElement(By.cssSelector("#txn-form button[name=transfer]")));
    waitFor("no outcome: the coordinator crashed", Duration.ofSeconds(30),
        () -> driver.findElement(By.id("txn-result")).getText().contains("no outcome"));
    screenshot("txn-coordinator-crashed");
    api("POST", "/api/chaos/nodes/txn-1/restart");
    waitFor("after txn-1's restart every participant aborted and holds nothing", Duration.ofSeconds(60), () -> {
      driver.findElement(By.cssSelector("#txn-form button[name=inspect]")).click();
      Map<String, String> states = participantStates();
      return !states.isEmpty() && states.values().stream().allMatch(s -> s.equals("ABORT"))
          && driver.findElement(By.id("txn-log")).getText().contains("coordinator ABORT");
    });
    screenshot("txn-aborted");
  }

  /** Participant → state, from the Transactions panel's table. */
  private static Map<String, String> participantStates() {
    Map<String, String> out = new java.util.TreeMap<>();
    for (WebElement row : driver.findElements(By.cssSelector("#txn-participants tr"))) {
      List<WebElement> cells = row.findElements(By.tagName("td"));
      if (cells.size() >= 2) {
        out.put(cells.get(0).getText(), cells.get(1).getText());
      }
    }
    return out;
  }

  private static String cell(String replica, int column) {
    for (WebElement row : driver.findElements(By.cssSelector("#kv-replicas tr"))) {
      List<WebElement> cells = row.findElements(By.tagName("td"));
      if (!cells.isEmpty() && cells.get(0).getText().equals(replica)) {
        return cells.get(column).getText();
      }
    }
    return "";
  }

  /** Clicks what {@code find} finds, again if the page redrew it in between (cards are redrawn when they change). */
  private static void click(String what, java.util.function.Supplier<WebElement> find) {
    waitFor(what + " clicked", () -> {
      find.get().click();
      return true;
    });
  }

  private static By node(String node) {
    return By.cssSelector("#instances .node[data-node='" + node + "']");
  }

  private static void type(WebElement input, String text) {
    input.clear();
    input.sendKeys(text);
  }

  private static void waitFor(String what, java.util.function.BooleanSupplier condition) {
    waitFor(what, WAIT, condition);
  }

  private static void waitFor(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
    try {
      new WebDriverWait(driver, timeout).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .withMessage(what).until(d -> condition.getAsBoolean());
    } catch (RuntimeException e) {
      screenshot("failed-" + what.replaceAll("[^A-Za-z0-9-]+", "-"));
      System.err.println("console activity when '" + what + "' did not happen:\n" + driver.findElement(By.id("log")).getText());
      throw e;
    }
  }

  private static void screenshot(String name) {
    try {
      Path file = shots.resolve(String.format("%02d-%s.png", ++shot, name));
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      System.out.println("console screenshot: " + file.toAbsolutePath());
    } catch (IOException | RuntimeException e) {
      System.err.println("screenshot " + name + " failed: " + e);
    }
  }

  private static List<String> eurekaInstances() throws Exception {
    String eureka = System.getProperty("dsys.eureka.url", "http://127.0.0.1:8761/eureka/apps");
    HttpRequest req = HttpRequest.newBuilder(URI.create(eureka)).header("Accept", "application/json").build();
    JsonNode apps = JSON.readTree(HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body());
    List<String> ids = new ArrayList<>();
    for (JsonNode app : apps.path("applications").path("application")) {
      for (JsonNode i : app.path("instance")) {
        if ("UP".equals(i.path("status").asText())) {
          ids.add(i.path("instanceId").asText());
        }
      }
    }
    return ids;
  }

  private static JsonNode api(String method, String path) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(url + path)).method(method, HttpRequest.BodyPublishers.noBody())
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build();
      return JSON.readTree(HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
