package dev.replicafs.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The bookkeeping every coordinated {@link Lease} shares: the current term (when the last renewal
 * was sent, the granted TTL), whether the lease has ended (closed, detached, expired), and the
 * handoff request. Thread-safe; backends call {@link #renewed} after each successful renewal.
 *
 * <p>{@code validUntil = renewedAt + ttl - Lease.safetyMargin(ttl)} while the lease is held, and
 * the instant it ended afterwards.
 */
public final class LeaseState {

  private final Clock clock;
  private final CompletableFuture<Long> handoff = new CompletableFuture<>();
  private Instant renewedAt;
  private Duration ttl;
  private Instant endedAt;

  /**
   * @param sentAt when the grant request was sent
   * @param ttl the TTL the coordinator granted
   */
  public LeaseState(Clock clock, Instant sentAt, Duration ttl) {
    this.clock = clock;
    this.renewedAt = sentAt;
    this.ttl = ttl;
  }

  /** Records a successful renewal whose request was sent at {@code sentAt}. */
  public synchronized void renewed(Instant sentAt, Duration grantedTtl) {
    if (endedAt == null && sentAt.isAfter(renewedAt)) {
      renewedAt = sentAt;
      ttl = grantedTtl;
    }
  }

  /** Marks the lease ended; returns false if it had already ended. */
  public synchronized boolean end() {
    if (endedAt != null) {
      return false;
    }
    endedAt = clock.instant();
    return true;
  }

  public synchronized boolean ended() {
    return endedAt != null;
  }

  public synchronized Instant renewedAt() {
    return renewedAt;
  }

  public synchronized Duration ttl() {
    return ttl;
  }

  /** The fencing deadline (see class Javadoc). */
  public synchronized Instant validUntil() {
    Instant deadline = renewedAt.plus(ttl).minus(Lease.safetyMargin(ttl));
    return endedAt != null && endedAt.isBefore(deadline) ? endedAt : deadline;
  }

  /** Signals a handoff to {@code nodeId}; see {@link Lease#handoff(long)}. */
  public void requestHandoff(long nodeId) {
    if (ended()) {
      throw new IllegalStateException("cannot hand off: the lease is no longer held");
    }
    if (!handoff.complete(nodeId)) {
      throw new IllegalStateException(
          "handoff already requested to node " + String.format("%016X", handoff.join()));
    }
  }

  /** Completes with the handoff target. */
  public CompletableFuture<Long> handoffRequest() {
    return handoff.copy();
  }

  /** The clock this lease measures with. */
  public Clock clock() {
    return clock;
  }
}
