package dsys.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.http.HttpStatus;
import reactor.netty.http.client.PrematureCloseException;

class DeliveryTest {

  @Test
  void onlyAConnectionNeverMadeProvesTheRequestWasNotDelivered() {
    assertThat(Delivery.neverSent(new ConnectException("Connection refused"))).isTrue();
    assertThat(Delivery.neverSent(new ConnectTimeoutException("connect timed out"))).isTrue();
    assertThat(Delivery.neverSent(new RuntimeException("wrapped", new ConnectException("refused")))).isTrue();
    assertThat(Delivery.neverSent(NotFoundException.create(true, "Unable to find instance for lock-service"))).isTrue();

    assertThat(Delivery.neverSent(PrematureCloseException.TEST_EXCEPTION)).isFalse();
    assertThat(Delivery.neverSent(new IOException("Connection reset by peer"))).isFalse();
  }

  @Test
  void aCallThatBrokeOffIsA504WithUnknownOutcome() {
    ProblemException p = Delivery.outcomeUnknown("kv-service", new IOException("Connection reset by peer"));
    assertThat(p.status()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
    assertThat(p.toProblemDetail().getType().toString()).endsWith("/outcome-unknown");
    assertThat(p.getMessage()).contains("may or may not have taken effect");
  }
}
