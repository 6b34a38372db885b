package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProxyConfigTest {

  @Test
  void defaultsAreLiteFsDefaultsPlusOurs() {
    ProxyConfig c = ProxyConfig.builder(":8080", "localhost:8081", "db").build();

    assertThat(c.maxLag()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.primaryRedirectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.readTimeout()).isZero();
    assertThat(c.readHeaderTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.writeTimeout()).isZero();
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.debug()).isFalse();
    assertThat(c.passthrough()).isEmpty();
    assertThat(c.alwaysForward()).isEmpty();
    assertThat(c.mode()).isEqualTo(ProxyMode.FORWARD);
    assertThat(c.txidWaitTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.cookieExpiry()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.connectRetryTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.connectRetryInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void requiredKeysAndBadValuesAreRejectedWithTheKeyName() {
    assertThatThrownBy(() -> ProxyConfig.builder("", "localhost:1", "db").build())
        .hasMessageContaining("proxy.addr is required");
    assertThatThrownBy(() -> ProxyConfig.builder(":1", " ", "db").build())
        .hasMessageContaining("proxy.target is required");
    assertThatThrownBy(() -> ProxyConfig.builder(":1", "localhost:1", "").build())
        .hasMessageContaining("proxy.db is required");
    assertThatThrownBy(() -> ProxyConfig.builder("8080", "localhost:1", "db").build())
        .hasMessageContaining("proxy.addr must be host:port");
    assertThatThrownBy(() -> ProxyConfig.builder(":99999", "localhost:1", "db").build())
        .hasMessageContaining("proxy.addr");
    assertThatThrownBy(
            () ->
                ProxyConfig.builder(":1", "localhost:1", "db")
                    .maxLag(Duration.ofSeconds(-1))
                    .build())
        .hasMessageContaining("proxy.max-lag must not be negative");
    assertThatThrownBy(
            () ->
                ProxyConfig.builder(":1", "localhost:1", "db").cookieExpiry(Duration.ZERO).build())
        .hasMessageContaining("proxy.cookie-expiry");
  }

  @Test
  void modeParsesConfigNames() {
    assertThat(ProxyMode.fromConfig("forward")).isEqualTo(ProxyMode.FORWARD);
    assertThat(ProxyMode.fromConfig(" Fly-Replay ")).isEqualTo(ProxyMode.FLY_REPLAY);
    assertThatThrownBy(() -> ProxyMode.fromConfig("redirect"))
        .hasMessageContaining("'forward' or 'fly-replay'");
  }

  @Test
  void addressesAndTargetsParseLikeLiteFs() {
    assertThat(HostPort.parse(":8080", "k")).isEqualTo(new HostPort("0.0.0.0", 8080));
    assertThat(HostPort.parse("127.0.0.1:0", "k")).isEqualTo(new HostPort("127.0.0.1", 0));
    assertThat(HostPort.parse("[::1]:9", "k")).isEqualTo(new HostPort("::1", 9));
    assertThat(HostPort.targetUri("localhost:8081")).isEqualTo(URI.create("http://localhost:8081"));
    assertThat(HostPort.targetUri(":8081")).isEqualTo(URI.create("http://localhost:8081"));
    assertThat(HostPort.targetUri("http://app:3000/x")).isEqualTo(URI.create("http://app:3000"));
    assertThatThrownBy(() -> HostPort.targetUri("https://app:3000"))
        .hasMessageContaining("proxy.target must be host:port");
    assertThatThrownBy(() -> new PrimaryInfo("p", URI.create("https://p:1")))
        .hasMessageContaining("http://host:port");
  }
}
