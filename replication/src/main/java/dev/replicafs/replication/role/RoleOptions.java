package dev.replicafs.replication.role;

import java.time.Duration;
import java.util.Objects;

/**
 * The role machine's settings ({@code lease.*} keys of {@code replicafs.yml}, as LiteFS).
 *
 * @param nodeId this node's ID (what a primary is told in {@code POST /handoff?nodeID=})
 * @param reconnectDelay {@code lease.reconnect-delay}: wait between failed attempts to join
 * @param demoteDelay {@code lease.demote-delay}: after a manual demotion, stay out of the election
 * @param handoffTimeout how long a primary waits for the handoff target to confirm it applied
 *     everything before it aborts the handoff and resumes (LiteFS: 5 s)
 * @param promote {@code lease.promote}: once caught up as a replica at startup, ask for the lease
 */
public record RoleOptions(
    long nodeId,
    Duration reconnectDelay,
    Duration demoteDelay,
    Duration handoffTimeout,
    boolean promote) {

  public static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_DEMOTE_DELAY = Duration.ofSeconds(10);
  public static final Duration DEFAULT_HANDOFF_TIMEOUT = Duration.ofSeconds(5);

  /** Validates the durations; messages name the key to fix. */
  public RoleOptions {
    positive(reconnectDelay, "lease.reconnect-delay");
    Objects.requireNonNull(demoteDelay, "lease.demote-delay");
    if (demoteDelay.isNegative()) {
      throw new IllegalArgumentException("lease.demote-delay must not be negative: " + demoteDelay);
    }
    positive(handoffTimeout, "handoff timeout");
  }

  /** LiteFS's defaults: reconnect 1 s, demote 10 s, handoff 5 s, no promotion. */
  public static RoleOptions defaults(long nodeId) {
    return new RoleOptions(
        nodeId, DEFAULT_RECONNECT_DELAY, DEFAULT_DEMOTE_DELAY, DEFAULT_HANDOFF_TIMEOUT, false);
  }

  public RoleOptions withReconnectDelay(Duration value) {
    return new RoleOptions(nodeId, value, demoteDelay, handoffTimeout, promote);
  }

  public RoleOptions withDemoteDelay(Duration value) {
    return new RoleOptions(nodeId, reconnectDelay, value, handoffTimeout, promote);
  }

  public RoleOptions withHandoffTimeout(Duration value) {
    return new RoleOptions(nodeId, reconnectDelay, demoteDelay, value, promote);
  }

  public RoleOptions withPromote(boolean value) {
    return new RoleOptions(nodeId, reconnectDelay, demoteDelay, handoffTimeout, value);
  }

  private static void positive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive: " + d);
    }
  }
}
