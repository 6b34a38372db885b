package dev.replicafs.cmd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.http.NodeSecurity;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSecurityTest {
  @TempDir Path tmp;

  @Test
  void defaultsAreOpenPlainHttp() {
    NodeSecurity s = HttpSecurity.of(HttpConfig.defaults());
    assertThat(s.token()).isEmpty();
    assertThat(s.tls()).isEmpty();
    assertThat(s.scheme()).isEqualTo("http");
  }

  @Test
  void theTokenIsPassedThroughAndNeverPrinted() {
    NodeSecurity s =
        HttpSecurity.of(new HttpConfig(":20202", Duration.ZERO, "abc123", TlsConfig.disabled()));
    assertThat(s.token()).isPresent();
    assertThat(s.token().get().authorization()).isEqualTo("Bearer abc123");
    assertThat(s.toString()).doesNotContain("abc123");
  }

  @Test
  void unusableValuesAreConfigErrorsNamingTheKey() {
    assertThatThrownBy(
            () ->
                HttpSecurity.of(
                    new HttpConfig(":20202", Duration.ZERO, "has space", TlsConfig.disabled())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.token")
        .hasMessageNotContaining("has space");
    Path missing = tmp.resolve("missing.pem");
    assertThatThrownBy(
            () ->
                HttpSecurity.of(
                    new HttpConfig(
                        ":20202", Duration.ZERO, "", new TlsConfig(missing, missing, null))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.tls")
        .hasMessageContaining(missing.toString());
  }
}
