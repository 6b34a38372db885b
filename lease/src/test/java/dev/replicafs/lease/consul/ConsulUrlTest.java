package dev.replicafs.lease.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsulUrlTest {

  @Test
  void passwordIsTheTokenAndPathIsThePrefixAsOnFly() {
    ConsulUrl url = ConsulUrl.parse("https://:s3cr3t@consul-iad.fly-shared.net/myapp-abc123/");

    assertThat(url.address()).isEqualTo("https://consul-iad.fly-shared.net:443");
    assertThat(url.token()).contains("s3cr3t");
    assertThat(url.prefix()).isEqualTo("myapp-abc123");
    assertThat(url.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void plainUrlHasNoTokenAndNoPrefix() {
    ConsulUrl url = ConsulUrl.parse("http://127.0.0.1:8500");

    assertThat(url.address()).isEqualTo("http://127.0.0.1:8500");
    assertThat(url.token()).isEmpty();
    assertThat(url.prefix()).isEmpty();
  }

  @Test
  void userWithoutPasswordIsNoToken() {
    assertThat(ConsulUrl.parse("http://bob@localhost:8500/a/b").token()).isEmpty();
    assertThat(ConsulUrl.parse("http://bob@localhost:8500/a/b").prefix()).isEqualTo("a/b");
    assertThat(ConsulUrl.parse("http://localhost").address()).isEqualTo("http://localhost:80");
  }

  @Test
  void leaseKeyIsPrefixSlashKeyAndClusterIdSitsBesideIt() {
    ConsulConfig config = ConsulConfig.of("https://:t@consul.example.com/prefix/", "/app/primary");

    assertThat(config.fullKey()).isEqualTo("prefix/app/primary");
    assertThat(ConsulConfig.of("http://localhost:8500", "app/primary").fullKey())
        .isEqualTo("app/primary");
    assertThat(config.toString()).doesNotContain(":t@");
  }

  @Test
  void defaultsAreLiteFsDefaults() {
    ConsulConfig config = ConsulConfig.of("http://localhost:8500", "k");

    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.lockDelay()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void invalidSettingsNameTheKeyToFix() {
    assertThatThrownBy(() -> ConsulConfig.of("http://localhost:8500", ""))
        .hasMessageContaining("must specify a consul key");
    assertThatThrownBy(() -> ConsulConfig.of("", "k")).hasMessageContaining("lease.consul.url");
    assertThatThrownBy(() -> ConsulConfig.of("ftp://x", "k")).hasMessageContaining("http://");
    assertThatThrownBy(
            () -> new ConsulConfig("http://localhost:8500", "k", Duration.ofSeconds(5), null))
        .hasMessageContaining("lease.consul.ttl");
    assertThatThrownBy(
            () -> new ConsulConfig("http://localhost:8500", "k", null, Duration.ofSeconds(61)))
        .hasMessageContaining("lease.consul.lock-delay");
  }
}
