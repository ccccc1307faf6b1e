package io.rainhub.testing;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** JWTs made by hand, to test what the hub accepts: with its real key, another key, another algorithm. */
public final class HandMadeTokens {

  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private HandMadeTokens() {
  }

  /** The hub's signing secret, as stored in hub_settings (the HMAC key string as-is). */
  public static String hubSecret(TestHub hub) throws Exception {
    var db = hub.database().config();
    try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         PreparedStatement select = connection.prepareStatement("SELECT content FROM hub_settings WHERE name = ?")) {
      select.setString(1, "auth.jwt.hs256.secret");
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw new AssertionError("hub_settings holds no JWT secret");
        }
        return rows.getString(1);
      }
    }
  }

  public static String hs256(String secret, JsonObject claims) {
    return sign("HS256", "HmacSHA256", secret, claims);
  }

  /** A compact JWS; the key is the secret string's UTF-8 bytes, as the hub's PubSecKeyOptions uses it. */
  public static String sign(String alg, String macAlgorithm, String secret, JsonObject claims) {
    String signingInput = b64(new JsonObject().put("alg", alg).put("typ", "JWT").encode()) + "." + b64(claims.encode());
    try {
      Mac mac = Mac.getInstance(macAlgorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), macAlgorithm));
      return signingInput + "." + B64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String b64(String text) {
    return B64URL.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
