package dev.replicafs.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A held primary lease. The holder renews it (normally through a {@link LeaseMonitor}) and must
 * stop accepting writes at {@link #validUntil()}: that instant is computed so that the coordinator
 * cannot have given the key to another node yet (see {@code docs/LEASES.md}, "Fencing").
 *
 * <p>Lifecycle: held → (renew)* → one of: {@link #close()} (released: another node can take the key
 * at once), expiry (renewals failed; the coordinator frees the key after its TTL), or {@link
 * #detach()} (handed off: another node takes it over with {@link Leaser#acquireExisting}). After
 * any of them {@link #validUntil()} is in the past. {@link #close()} is idempotent.
 *
 * <p>Times come from the leaser's clock, which should be monotonic ({@link MonotonicClock}) so that
 * a wall-clock step cannot extend a lease.
 */
public interface Lease extends AutoCloseable {

  /** The backend's lease ID (etcd lease ID in hex, Consul session ID); sent to a handoff target. */
  String id();

  /** When the last successful renewal (or the grant) was sent. */
  Instant renewedAt();

  /** The TTL the coordinator granted. */
  Duration ttl();

  /**
   * The instant at which this node must consider the lease lost: {@code renewedAt + ttl - margin},
   * where {@code renewedAt} is taken before the renewal request left, so the coordinator's own
   * expiry is later still. In the past once the lease is closed, detached or known expired.
   */
  Instant validUntil();

  /** Whether the lease may still be used at {@code now} (strictly before {@link #validUntil()}). */
  default boolean validAt(Instant now) {
    return now.isBefore(validUntil());
  }

  /**
   * How long after a renewal was sent the next one is due ({@link LeaseMonitor}'s default): half
   * the TTL, as LiteFS renews its Consul session.
   */
  default Duration renewInterval() {
    return ttl().dividedBy(2);
  }

  /**
   * Extends the lease by its TTL.
   *
   * @throws LeaseExpiredException the coordinator no longer knows the lease
   * @throws LeaseUnavailableException the coordinator did not answer in time
   */
  void renew() throws LeaseException;

  /**
   * Asks the lease owner (the store's primary loop) to hand the lease to node {@code nodeId}:
   * completes {@link #handoffRequest()}. The first request wins; a later one fails.
   *
   * @throws HandoffNotSupportedException the backend cannot move its lease
   * @throws IllegalStateException a handoff was already requested, or the lease is not held
   */
  void handoff(long nodeId) throws LeaseException;

  /** Completes with the target node ID when {@link #handoff(long)} is called. */
  CompletableFuture<Long> handoffRequest();

  /**
   * Renews one last time and detaches this node from the lease without releasing it, so the handoff
   * target can take it over with {@link Leaser#acquireExisting(String)} before it expires. From now
   * on this node is not primary ({@link #validUntil()} is in the past) and {@link #close()} does
   * not release the lease.
   *
   * @return the lease ID to send to the target
   */
  default String detach() throws LeaseException {
    return detach(Duration.ZERO);
  }

  /**
   * {@link #detach()}, without the last renewal when a successful one was sent at most {@code
   * maxAge} ago: the coordinator then keeps the lease for at least {@code ttl - maxAge} more, time
   * enough for the target's takeover. A primary that renewed while it flushed its last transactions
   * to the target (overlapping that round trip with the flush) passes a small {@code maxAge}.
   *
   * @return the lease ID to send to the target
   */
  String detach(Duration maxAge) throws LeaseException;

  /** Whether the last successful renewal was sent at most {@code maxAge} before {@code now}. */
  default boolean renewedWithin(Duration maxAge, Instant now) {
    return !renewedAt().plus(maxAge).isBefore(now);
  }

  /** Releases the lease (unless detached) so another node can take the key at once. Idempotent. */
  @Override
  void close();

  /** The fencing margin subtracted from the TTL: a tenth of it, at least 100 ms. */
  static Duration safetyMargin(Duration ttl) {
    Duration tenth = ttl.dividedBy(10);
    Duration floor = Duration.ofMillis(100);
    return tenth.compareTo(floor) > 0 ? tenth : floor;
  }
}
