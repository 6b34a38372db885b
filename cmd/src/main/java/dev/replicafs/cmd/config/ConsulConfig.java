package dev.replicafs.cmd.config;

import java.time.Duration;

/**
 * The {@code lease.consul} section (used when {@code lease.type} is {@code consul}; {@link
 * LeaseConfig} checks the required keys then).
 *
 * @param url Consul base URL; the password of the user info is the ACL token and the path is a key
 *     prefix ({@code https://:TOKEN@consul:8500/prefix}), as in LiteFS
 * @param key KV key of the lease, unique per cluster
 * @param ttl session TTL (Consul's minimum is 10s)
 * @param lockDelay session lock-delay
 */
public record ConsulConfig(String url, String key, Duration ttl, Duration lockDelay) {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_LOCK_DELAY = Duration.ofSeconds(1);

  public ConsulConfig {
    url = Checks.httpUrl(url, "lease.consul.url");
    key = Checks.text(key);
    Checks.positive(ttl, "lease.consul.ttl");
    Checks.notNegative(lockDelay, "lease.consul.lock-delay");
  }

  /** LiteFS's defaults (url and key unset). */
  public static ConsulConfig defaults() {
    return new ConsulConfig("", "", DEFAULT_TTL, DEFAULT_LOCK_DELAY);
  }

  @Override
  public String toString() {
    return "ConsulConfig[url="
        + url.replaceAll("//[^/@]*@", "//(redacted)@")
        + ", key="
        + key
        + ", ttl="
        + ttl
        + ", lockDelay="
        + lockDelay
        + "]";
  }
}
