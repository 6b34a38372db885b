package dev.replicafs.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code proxy} section of {@code replicafs.yml}. Keys and defaults follow LiteFS 0.5's {@code
 * litefs.yml} ({@code addr}, {@code target}, {@code db}, {@code max-lag} 10s, {@code debug}, {@code
 * passthrough}, {@code always-forward}, {@code primary-redirect-timeout} 5s, {@code read-timeout}
 * 0, {@code read-header-timeout} 10s, {@code write-timeout} 0, {@code idle-timeout} 30s); ReplicaFS
 * adds {@code mode} ({@code forward}), {@code txid-wait-timeout} (5s), {@code cookie-expiry} (5m),
 * {@code connect-retry-timeout} (30s) and {@code connect-retry-interval} (100ms). A zero timeout
 * means "no limit" for the four server timeouts and disables the lag check for {@code max-lag}.
 *
 * <p>The file is longer than most because a builder carries every default: the {@code cmd} module
 * sets only the keys a user wrote, and tests change one key at a time.
 *
 * @param addr bind address of the proxy: {@code :8080}, {@code host:port}, {@code [::1]:0}
 * @param target {@code host:port} (or {@code http://host:port}) of the local app
 * @param db database whose TXID is carried in the {@code __txid} cookie
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
    Duration txidWaitTimeout,
    Duration cookieExpiry,
    Duration connectRetryTimeout,
    Duration connectRetryInterval) {

  public ProxyConfig {
    requireText(addr, "proxy.addr");
    requireText(target, "proxy.target");
    requireText(db, "proxy.db");
    HostPort.parse(addr, "proxy.addr");
    HostPort.targetUri(target);
    passthrough = List.copyOf(Objects.requireNonNull(passthrough, "proxy.passthrough"));
    alwaysForward = List.copyOf(Objects.requireNonNull(alwaysForward, "proxy.always-forward"));
    Objects.requireNonNull(mode, "proxy.mode");
    requireNotNegative(maxLag, "proxy.max-lag");
    requireNotNegative(primaryRedirectTimeout, "proxy.primary-redirect-timeout");
    requireNotNegative(readTimeout, "proxy.read-timeout");
    requireNotNegative(readHeaderTimeout, "proxy.read-header-timeout");
    requireNotNegative(writeTimeout, "proxy.write-timeout");
    requireNotNegative(idleTimeout, "proxy.idle-timeout");
    requireNotNegative(txidWaitTimeout, "proxy.txid-wait-timeout");
    requireNotNegative(connectRetryTimeout, "proxy.connect-retry-timeout");
    requirePositive(cookieExpiry, "proxy.cookie-expiry");
    requirePositive(connectRetryInterval, "proxy.connect-retry-interval");
  }

  /** A builder holding every default; {@code addr}, {@code target} and {@code db} are required. */
  public static Builder builder(String addr, String target, String db) {
    return new Builder(addr, target, db);
  }

  /** Copies this config into a builder, e.g. to change one key in a test. */
  public Builder toBuilder() {
    return new Builder(addr, target, db)
        .maxLag(maxLag)
        .debug(debug)
        .passthrough(passthrough)
        .alwaysForward(alwaysForward)
        .primaryRedirectTimeout(primaryRedirectTimeout)
        .readTimeout(readTimeout)
        .readHeaderTimeout(readHeaderTimeout)
        .writeTimeout(writeTimeout)
        .idleTimeout(idleTimeout)
        .mode(mode)
        .txidWaitTimeout(txidWaitTimeout)
        .cookieExpiry(cookieExpiry)
        .connectRetryTimeout(connectRetryTimeout)
        .connectRetryInterval(connectRetryInterval);
  }

  private static void requireText(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " is required when the proxy is enabled");
    }
  }

  private static void requireNotNegative(Duration d, String key) {
    Objects.requireNonNull(d, key);
    if (d.isNegative()) {
      throw new IllegalArgumentException(key + " must not be negative, got " + d);
    }
  }

  private static void requirePositive(Duration d, String key) {
    requireNotNegative(d, key);
    if (d.isZero()) {
      throw new IllegalArgumentException(key + " must be greater than zero");
    }
  }

  /** Mutable builder with LiteFS's defaults. */
  public static final class Builder {
    private final String addr;
    private final String target;
    private final String db;
    private Duration maxLag = Duration.ofSeconds(10);
    private boolean debug;
    private List<String> passthrough = List.of();
    private List<String> alwaysForward = List.of();
    private Duration primaryRedirectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ZERO;
    private Duration readHeaderTimeout = Duration.ofSeconds(10);
    private Duration writeTimeout = Duration.ZERO;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private ProxyMode mode = ProxyMode.FORWARD;
    private Duration txidWaitTimeout = Duration.ofSeconds(5);
    private Duration cookieExpiry = Duration.ofMinutes(5);
    private Duration connectRetryTimeout = Duration.ofSeconds(30);
    private Duration connectRetryInterval = Duration.ofMillis(100);

    private Builder(String addr, String target, String db) {
      this.addr = addr;
      this.target = target;
      this.db = db;
    }

    public Builder maxLag(Duration v) {
      maxLag = v;
      return this;
    }

    public Builder debug(boolean v) {
      debug = v;
      return this;
    }

    public Builder passthrough(List<String> v) {
      passthrough = v;
      return this;
    }

    public Builder alwaysForward(List<String> v) {
      alwaysForward = v;
      return this;
    }

    public Builder primaryRedirectTimeout(Duration v) {
      primaryRedirectTimeout = v;
      return this;
    }

    public Builder readTimeout(Duration v) {
      readTimeout = v;
      return this;
    }

    public Builder readHeaderTimeout(Duration v) {
      readHeaderTimeout = v;
      return this;
    }

    public Builder writeTimeout(Duration v) {
      writeTimeout = v;
      return this;
    }

    public Builder idleTimeout(Duration v) {
      idleTimeout = v;
      return this;
    }

    public Builder mode(ProxyMode v) {
      mode = v;
      return this;
    }

    public Builder txidWaitTimeout(Duration v) {
      txidWaitTimeout = v;
      return this;
    }

    public Builder cookieExpiry(Duration v) {
      cookieExpiry = v;
      return this;
    }

    public Builder connectRetryTimeout(Duration v) {
      connectRetryTimeout = v;
      return this;
    }

    public Builder connectRetryInterval(Duration v) {
      connectRetryInterval = v;
      return this;
    }

    /** Validates and builds the config. */
    public ProxyConfig build() {
      return new ProxyConfig(
          addr,
          target,
          db,
          maxLag,
          debug,
          passthrough,
          alwaysForward,
          primaryRedirectTimeout,
          readTimeout,
          readHeaderTimeout,
          writeTimeout,
          idleTimeout,
          mode,
          txidWaitTimeout,
          cookieExpiry,
          connectRetryTimeout,
          connectRetryInterval);
    }
  }
}
