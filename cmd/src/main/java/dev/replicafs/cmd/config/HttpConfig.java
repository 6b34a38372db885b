package dev.replicafs.cmd.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code http} section: the node-to-node API.
 *
 * @param addr bind address, Go style ({@code ":20202"} listens on every interface)
 * @param snapshotTimeout maximum time to stream one snapshot to a replica; zero means {@code
 *     data.retention}
 * @param token the shared cluster token every node presents (empty: no authentication), already
 *     resolved from {@code token}, {@code token-file} or {@code token-env}; never printed
 * @param tls TLS settings
 */
public record HttpConfig(String addr, Duration snapshotTimeout, String token, TlsConfig tls) {
  public static final String DEFAULT_ADDR = ":20202";

  public HttpConfig {
    addr = Checks.text(addr);
    if (addr.isEmpty()) {
      throw new ConfigException("http.addr", "http.addr must not be empty, e.g. \":20202\"");
    }
    Checks.listenPort(addr, "http.addr");
    Checks.notNegative(snapshotTimeout, "http.snapshot-timeout");
    token = Checks.text(token);
    Checks.present(tls, "http.tls");
  }

  /** LiteFS's defaults. */
  public static HttpConfig defaults() {
    return new HttpConfig(DEFAULT_ADDR, Duration.ZERO, "", TlsConfig.disabled());
  }

  /** The port of {@link #addr()}. */
  public int port() {
    return Checks.listenPort(addr, "http.addr");
  }

  /** The host part of {@link #addr()}; empty means every interface. */
  public String host() {
    return addr.substring(0, addr.lastIndexOf(':'));
  }

  /** The cluster token, if one is configured. */
  public Optional<String> clusterToken() {
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** The snapshot timeout with LiteFS's fallback to {@code retention} when zero. */
  public Duration snapshotTimeoutOr(Duration retention) {
    return snapshotTimeout.isZero() ? retention : snapshotTimeout;
  }

  @Override
  public String toString() {
    return "HttpConfig[addr="
        + addr
        + ", snapshotTimeout="
        + snapshotTimeout
        + ", token="
        + (token.isEmpty() ? "none" : "(redacted)")
        + ", tls="
        + tls
        + "]";
  }
}
