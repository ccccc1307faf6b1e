package io.rainhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --tls-cert/--tls-key serve HTTPS with the given certificate, verified by a client that trusts it. */
class TlsTest {

  @TempDir
  Path dataDir;

  @Test
  void servesHttpsWithTheGivenCertificate() throws Exception {
    Path cert = Path.of(getClass().getResource("/tls/cert.pem").toURI());
    Path key = Path.of(getClass().getResource("/tls/key.pem").toURI());
    Map<HubOption, String> flags = LocalHubFlags.in(dataDir);
    flags.put(HubOption.TLS_CERT, cert.toString());
    flags.put(HubOption.TLS_KEY, key.toString());
    Hub hub = Hub.start(HubConfigLoader.load(flags, Map.of()));
    try {
      assertThat(hub.address()).startsWith("https://");
      WebClient verifying = WebClient.create(hub.vertx(), new WebClientOptions().setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(cert.toString()))
          .setDefaultHost("localhost").setDefaultPort(hub.port()));
      HttpResponse<Buffer> live = Hub.await(verifying.get("/health/live").send());
      assertThat(live.statusCode()).isEqualTo(200);

      WebClient plain = WebClient.create(hub.vertx(), new WebClientOptions()
          .setDefaultHost("localhost").setDefaultPort(hub.port()));
      assertThat(plain.get("/health/live").send().toCompletionStage().toCompletableFuture()
          .handle((response, failure) -> failure != null || response.statusCode() >= 400).get())
          .as("plain HTTP to the TLS port must not be served").isTrue();
    } finally {
      hub.stop();
    }
  }
}
