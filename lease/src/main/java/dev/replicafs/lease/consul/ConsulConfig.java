package dev.replicafs.lease.consul;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * The {@code lease.consul} section of {@code replicafs.yml}, key for key as LiteFS 0.5:
 *
 * <pre>
 * lease:
 *   type: consul
 *   consul:
 *     url: "https://:TOKEN@consul.example.com/myprefix"  # required; see ConsulUrl
 *     key: "myapp/primary"                               # required, unique per cluster
 *     ttl: 10s                                           # session TTL, 10s..24h (Consul's limits)
 *     lock-delay: 1s                                     # session lock-delay, 0..60s
 * </pre>
 */
public record ConsulConfig(
    @JsonProperty("url") String url,
    @JsonProperty("key") String key,
    @JsonProperty("ttl") Duration ttl,
    @JsonProperty("lock-delay") Duration lockDelay) {

  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_LOCK_DELAY = Duration.ofSeconds(1);

  /** Applies defaults and validates; messages name the key to fix. */
  public ConsulConfig {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("must specify a consul url (lease.consul.url)");
    }
    ConsulUrl.parse(url); // validates
    if (key == null || key.isBlank() || key.replace("/", "").isEmpty()) {
      throw new IllegalArgumentException(
          "must specify a consul key (lease.consul.key), unique per cluster");
    }
    ttl = ttl == null ? DEFAULT_TTL : ttl;
    if (ttl.compareTo(Duration.ofSeconds(10)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
      throw new IllegalArgumentException(
          "lease.consul.ttl must be between 10s and 24h (Consul's session limits): " + ttl);
    }
    lockDelay = lockDelay == null ? DEFAULT_LOCK_DELAY : lockDelay;
    if (lockDelay.isNegative() || lockDelay.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException(
          "lease.consul.lock-delay must be between 0s and 60s: " + lockDelay);
    }
  }

  /** A config with the default TTL and lock-delay. */
  public static ConsulConfig of(String url, String key) {
    return new ConsulConfig(url, key, null, null);
  }

  /** The parsed URL: address, token, prefix. */
  public ConsulUrl parsedUrl() {
    return ConsulUrl.parse(url);
  }

  /** The full KV key of the lease: {@code <prefix>/<key>}. */
  public String fullKey() {
    return ConsulUrl.join(parsedUrl().prefix(), key);
  }

  /** Masks the ACL token. */
  @Override
  public String toString() {
    return "ConsulConfig[url="
        + parsedUrl()
        + ", key="
        + key
        + ", ttl="
        + ttl
        + ", lock-delay="
        + lockDelay
        + "]";
  }
}
