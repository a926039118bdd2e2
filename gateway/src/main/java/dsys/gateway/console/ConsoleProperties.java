package dsys.gateway.console;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code dsys.gateway.console.*}: what the web console's endpoints read.
 *
 * @param prometheus where Prometheus answers (loopback: the console's sparklines query it through the gateway)
 * @param alertmanager where Alertmanager answers (its API v2: the console's alerts panel reads the firing alerts)
 * @param journalServices services whose nodes keep a message journal ({@code /api/journal})
 * @param timeout how long one node (or Prometheus) may take before it is reported as not answering
 */
@ConfigurationProperties("dsys.gateway.console")
public record ConsoleProperties(
    @DefaultValue("http://127.0.0.1:9090") URI prometheus,
    @DefaultValue("http://127.0.0.1:9094") URI alertmanager,
    @DefaultValue({"time-service", "lock-service", "kv-service", "txn-coordinator"}) List<String> journalServices,
    @DefaultValue("2s") Duration timeout) {}
