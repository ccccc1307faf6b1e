package io.rainhub.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rainhub.store.SqlDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubConfigLoaderTest {

  @TempDir
  Path dir;

  @Test
  void defaultsGiveAnEmbeddedStandaloneHubOn8080() {
    HubSettings settings = HubConfigLoader.load(Map.of(HubOption.CONFIG, missingButDefault()), Map.of());
    assertThat(settings.port()).isEqualTo(8080);
    assertThat(settings.host()).isEqualTo("0.0.0.0");
    assertThat(settings.database().dialect()).isEqualTo(SqlDialect.H2);
    assertThat(settings.database().h2File()).endsWith("data/rainhub");
    assertThat(settings.cluster()).isFalse();
    assertThat(settings.bodyLimit()).isEqualTo(1024 * 1024);
    assertThat(settings.tls()).isFalse();
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheYamlFile() throws Exception {
    Path yaml = dir.resolve("hub.yaml");
    Files.writeString(yaml, "port: 9001\nhost: 127.0.0.1\nbody-limit: 2048\ncluster-members: [10.0.0.1, 10.0.0.2]\n");
    HubSettings fromYaml = HubConfigLoader.load(Map.of(HubOption.CONFIG, yaml.toString()), Map.of());
    assertThat(fromYaml.port()).isEqualTo(9001);
    assertThat(fromYaml.host()).isEqualTo("127.0.0.1");
    assertThat(fromYaml.bodyLimit()).isEqualTo(2048);
    assertThat(fromYaml.clusterMembers()).containsExactly("10.0.0.1", "10.0.0.2");

    HubSettings fromEnv = HubConfigLoader.load(Map.of(HubOption.CONFIG, yaml.toString()),
        Map.of("RAINHUB_PORT", "9002", "RAINHUB_ADMIN_PASSWORD", "from-the-environment"));
    assertThat(fromEnv.port()).isEqualTo(9002);
    assertThat(fromEnv.host()).isEqualTo("127.0.0.1");
    assertThat(fromEnv.adminPassword()).isEqualTo("from-the-environment");

    HubSettings fromFlags = HubConfigLoader.load(Map.of(HubOption.CONFIG, yaml.toString(), HubOption.PORT, "9003"),
        Map.of("RAINHUB_PORT", "9002"));
    assertThat(fromFlags.port()).isEqualTo(9003);
  }

  @Test
  void theConfigFileCanComeFromTheEnvironment() throws Exception {
    Path yaml = dir.resolve("other.yaml");
    Files.writeString(yaml, "port: 9100\n");
    assertThat(HubConfigLoader.load(Map.of(), Map.of("RAINHUB_CONFIG", yaml.toString())).port()).isEqualTo(9100);
  }

  @Test
  void postgresqlUriIsParsed() {
    HubSettings settings = HubConfigLoader.load(Map.of(HubOption.CONFIG, missingButDefault(),
        HubOption.DB, "postgresql://hub:s%40cret@db.example:6543/rain"), Map.of());
    assertThat(settings.database().dialect()).isEqualTo(SqlDialect.POSTGRESQL);
    assertThat(settings.database().host()).isEqualTo("db.example");
    assertThat(settings.database().port()).isEqualTo(6543);
    assertThat(settings.database().database()).isEqualTo("rain");
    assertThat(settings.database().user()).isEqualTo("hub");
    assertThat(settings.database().password()).isEqualTo("s@cret");
    assertThat(settings.database().describe()).doesNotContain("s@cret");
  }

  @Test
  void clusterOnTheEmbeddedDatabaseIsRefusedWithAReason() {
    assertThatThrownBy(() -> HubConfigLoader.load(Map.of(HubOption.CONFIG, missingButDefault(),
        HubOption.CLUSTER, "true"), Map.of()))
        .isInstanceOf(HubConfigLoader.ConfigException.class)
        .hasMessageContaining("--cluster")
        .hasMessageContaining("--db postgresql://");
  }

  @Test
  void badSettingsNameTheSettingAtFault() throws Exception {
    Path yaml = dir.resolve("typo.yaml");
    Files.writeString(yaml, "prot: 80\n");
    assertThatThrownBy(() -> HubConfigLoader.load(Map.of(HubOption.CONFIG, yaml.toString()), Map.of()))
        .hasMessageContaining("unknown setting 'prot'");
    assertThatThrownBy(() -> load(HubOption.PORT, "eighty")).hasMessageContaining("--port");
    assertThatThrownBy(() -> load(HubOption.PORT, "70000")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> load(HubOption.DB, "mysql://x/y")).hasMessageContaining("--db");
    assertThatThrownBy(() -> load(HubOption.JWT_SECRET, "too-short")).hasMessageContaining("--jwt-secret");
    assertThatThrownBy(() -> load(HubOption.TLS_CERT, "cert.pem")).hasMessageContaining("--tls-key");
    assertThatThrownBy(() -> HubConfigLoader.load(Map.of(HubOption.CONFIG, dir.resolve("absent.yaml").toString()),
        Map.of())).hasMessageContaining("no such file");
  }

  /** Issue 10 item 5: the login throttle's first delay; the identity verticle doubles it up to 60 times. */
  @Test
  void loginThrottleReachesTheIdentityVerticle() {
    HubSettings defaults = HubConfigLoader.load(Map.of(HubOption.CONFIG, missingButDefault()), Map.of());
    assertThat(defaults.loginThrottleMs()).isEqualTo(1000);
    assertThat(defaults.toVerticleConfig().getJsonObject("auth").getLong("loginThrottleMillis")).isEqualTo(1000L);
    assertThat(load(HubOption.LOGIN_THROTTLE, "250").toVerticleConfig().getJsonObject("auth")
        .getLong("loginThrottleMillis")).isEqualTo(250L);
    assertThatThrownBy(() -> load(HubOption.LOGIN_THROTTLE, "0")).hasMessageContaining("--login-throttle-ms");
  }

  private HubSettings load(HubOption option, String value) {
    return HubConfigLoader.load(Map.of(HubOption.CONFIG, missingButDefault(), option, value), Map.of());
  }

  /** An empty YAML file, so the developer's own config/hub.yaml does not leak into these tests. */
  private String missingButDefault() {
    try {
      Path empty = dir.resolve("empty.yaml");
      Files.writeString(empty, "");
      return empty.toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
