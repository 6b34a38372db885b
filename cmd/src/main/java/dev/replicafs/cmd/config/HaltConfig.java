package dev.replicafs.cmd.config;

import java.time.Duration;

/**
 * The {@code halt} section (ReplicaFS extension): the halt lock that lets replicas write.
 *
 * @param ttl how long the primary honours a halt without activity before expiring it
 */
public record HaltConfig(Duration ttl) {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  public HaltConfig {
    Checks.positive(ttl, "halt.ttl");
  }

  /** LiteFS's 30 s. */
  public static HaltConfig defaults() {
    return new HaltConfig(DEFAULT_TTL);
  }
}
