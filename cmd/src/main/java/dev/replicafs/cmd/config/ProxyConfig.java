package dev.replicafs.cmd.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code proxy} section: the HTTP proxy in front of the application. Disabled unless {@code
 * target} is set.
 *
 * @param addr bind address of the proxy (required when enabled)
 * @param target {@code host:port} of the application; empty disables the proxy
 * @param db database whose TXID the read-your-writes cookie tracks (required when enabled)
 * @param maxLag health returns 503 when replication lag exceeds this; zero disables the check
 * @param debug verbose proxy logging
 * @param passthrough path globs sent straight to the application
 * @param alwaysForward path globs of GET/HEAD requests treated as writes
 * @param primaryRedirectTimeout how long a write waits to learn who the primary is
 * @param readTimeout whole-request read timeout; zero means none
 * @param readHeaderTimeout request-header read timeout
 * @param writeTimeout response write timeout; zero means none
 * @param idleTimeout keep-alive idle timeout
 * @param mode how writes reach the primary (ReplicaFS extension)
 * @param txidWaitTimeout how long a read carrying a TXID waits for this node to catch up before
 *     answering 504 (ReplicaFS extension)
 */
public record ProxyConfig(
    String addr,
    String target,
    String db,
    Duration maxLag,
    boolean debug,
    List<String> passthrough,
    List<String> alwaysForward,
    Duration primaryRedirectTimeout,
    Duration readTimeout,
    Duration readHeaderTimeout,
    Duration writeTimeout,
    Duration idleTimeout,
    ProxyMode mode,
    Duration txidWaitTimeout) {
  public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(10);
  public static final Duration DEFAULT_PRIMARY_REDIRECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_READ_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_TXID_WAIT_TIMEOUT = Duration.ofSeconds(5);

  public ProxyConfig {
    addr = Checks.text(addr);
    target = Checks.text(target);
    db = Checks.text(db);
    passthrough = List.copyOf(passthrough);
    alwaysForward = List.copyOf(alwaysForward);
    Checks.notNegative(maxLag, "proxy.max-lag");
    Checks.notNegative(primaryRedirectTimeout, "proxy.primary-redirect-timeout");
    Checks.notNegative(readTimeout, "proxy.read-timeout");
    Checks.notNegative(readHeaderTimeout, "proxy.read-header-timeout");
    Checks.notNegative(writeTimeout, "proxy.write-timeout");
    Checks.notNegative(idleTimeout, "proxy.idle-timeout");
    Checks.positive(txidWaitTimeout, "proxy.txid-wait-timeout");
    Checks.present(mode, "proxy.mode");
    if (!target.isEmpty()) {
      if (addr.isEmpty()) {
        throw new ConfigException(
            "proxy.addr",
            "proxy.addr is required when proxy.target is set: the address the proxy listens on,"
                + " e.g. \":8080\"");
      }
      Checks.listenPort(addr, "proxy.addr");
      if (db.isEmpty()) {
        throw new ConfigException(
            "proxy.db",
            "proxy.db is required when proxy.target is set: the database name whose TXID the"
                + " proxy tracks, e.g. \"app.db\"");
      }
      if (target.lastIndexOf(':') < 0) {
        throw new ConfigException(
            "proxy.target", "proxy.target must be host:port of the app, e.g. \"localhost:8081\"");
      }
    }
  }

  /** LiteFS's defaults: the proxy disabled. */
  public static ProxyConfig defaults() {
    return new ProxyConfig(
        "",
        "",
        "",
        DEFAULT_MAX_LAG,
        false,
        List.of(),
        List.of(),
        DEFAULT_PRIMARY_REDIRECT_TIMEOUT,
        Duration.ZERO,
        DEFAULT_READ_HEADER_TIMEOUT,
        Duration.ZERO,
        DEFAULT_IDLE_TIMEOUT,
        ProxyMode.FORWARD,
        DEFAULT_TXID_WAIT_TIMEOUT);
  }

  /** True when {@code target} is set. */
  public boolean enabled() {
    return !target.isEmpty();
  }
}
