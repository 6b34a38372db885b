package dev.replicafs.proxy;

import java.util.Locale;

/**
 * How a replica answers a write: {@link #FORWARD} proxies it to the primary's proxy (ReplicaFS's
 * default, works anywhere); {@link #FLY_REPLAY} answers with a {@code fly-replay} header as LiteFS
 * does, for apps behind Fly.io's edge proxy.
 */
public enum ProxyMode {
  FORWARD("forward"),
  FLY_REPLAY("fly-replay");

  private final String configName;

  ProxyMode(String configName) {
    this.configName = configName;
  }

  /** The value of {@code proxy.mode} in {@code replicafs.yml}. */
  public String configName() {
    return configName;
  }

  /**
   * Parses a {@code proxy.mode} value.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ProxyMode fromConfig(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (ProxyMode mode : values()) {
      if (mode.configName.equals(v)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "proxy.mode must be 'forward' or 'fly-replay', got '" + value + "'");
  }
}
