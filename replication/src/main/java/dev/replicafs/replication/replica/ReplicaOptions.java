package dev.replicafs.replication.replica;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of a {@link ReplicaClient}.
 *
 * @param reconnectDelay {@code lease.reconnect-delay}: the first wait after a failed stream; it
 *     doubles after each further failure
 * @param maxReconnectDelay cap of the doubling (30 s in production)
 * @param idleTimeout the stream is treated as dead when no byte arrived for this long (the primary
 *     sends a heartbeat every second)
 * @param databases {@code lease.databases}: only these databases are replicated; empty = all
 */
public record ReplicaOptions(
    Duration reconnectDelay,
    Duration maxReconnectDelay,
    Duration idleTimeout,
    Set<String> databases) {
  /** Validates the durations. */
  public ReplicaOptions {
    Objects.requireNonNull(reconnectDelay, "reconnectDelay");
    Objects.requireNonNull(maxReconnectDelay, "maxReconnectDelay");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (reconnectDelay.isNegative() || reconnectDelay.isZero()) {
      throw new IllegalArgumentException(
          "lease.reconnect-delay must be positive: " + reconnectDelay);
    }
    if (maxReconnectDelay.compareTo(reconnectDelay) < 0) {
      throw new IllegalArgumentException(
          "the reconnect delay cap must be >= lease.reconnect-delay");
    }
    if (idleTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
      throw new IllegalArgumentException(
          "idle timeout must be at least 2 s (twice the heartbeat): " + idleTimeout);
    }
    databases = Set.copyOf(databases);
  }

  /** LiteFS's defaults: 1 s reconnect delay, capped at 30 s; 10 s idle timeout; all databases. */
  public static ReplicaOptions defaults() {
    return new ReplicaOptions(
        Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10), Set.of());
  }

  public ReplicaOptions withReconnectDelay(Duration value) {
    return new ReplicaOptions(value, maxReconnectDelay, idleTimeout, databases);
  }

  public ReplicaOptions withDatabases(Set<String> value) {
    return new ReplicaOptions(reconnectDelay, maxReconnectDelay, idleTimeout, value);
  }

  /** Whether {@code db} is replicated. */
  public boolean wants(String db) {
    return databases.isEmpty() || databases.contains(db);
  }
}
