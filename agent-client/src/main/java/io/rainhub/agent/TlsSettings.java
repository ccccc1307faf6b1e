package io.rainhub.agent;

import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;

/**
 * How the agent checks the hub and proves itself with TLS: trust everything (tests, labs), a CA
 * of its own, and a client certificate when the hub asks for mutual TLS. Paths may be null.
 */
public record TlsSettings(boolean trustAll, Path ca, Path clientCert, Path clientKey) {

  public static final TlsSettings DEFAULT = new TlsSettings(false, null, null, null);

  public TlsSettings {
    if ((clientCert == null) != (clientKey == null)) {
      throw new IllegalArgumentException("a client certificate needs its key, and the other way round");
    }
  }

  /** Applies these settings; {@code verifyHost} is not on the common base class, so the caller sets it from {@link #trustAll()}. */
  <T extends ClientOptionsBase> T applyTo(T options) {
    options.setTrustAll(trustAll);
    if (ca != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
    }
    if (clientCert != null) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(clientCert.toString())
          .setKeyPath(clientKey.toString()));
    }
    return options;
  }
}
