package dev.replicafs.lease;

import java.time.Duration;
import java.util.Optional;

/**
 * Elects one primary per cluster through a coordinator (static configuration, etcd or Consul). The
 * LiteFS {@code Leaser} shape: the store's role loop reads the primary, acquires when it is a
 * candidate and nobody is primary, takes over a handed-off lease with {@link #acquireExisting}, and
 * checks the cluster ID before joining. See {@code docs/LEASES.md} for the role state machine that
 * drives these calls.
 *
 * <p>Implementations are thread-safe. Every blocking call is bounded by the backend's request
 * timeout and reports an unreachable coordinator as {@link LeaseUnavailableException}. {@link
 * #close()} is idempotent and releases the client's threads and connections; it does not release a
 * lease (close the {@link Lease} for that).
 */
public interface Leaser extends AutoCloseable {

  /**
   * The backend name as written in {@code lease.type}: {@code static}, {@code etcd}, {@code
   * consul}.
   */
  String type();

  /** This node's name as other nodes and the proxy see it. */
  String hostname();

  /** The URL other nodes use to reach this node's API. */
  String advertiseUrl();

  /** Whether this node may become primary ({@code lease.candidate}). */
  boolean candidate();

  /** Where the lease lives, for messages and logs, e.g. {@code etcd key "/app/primary"}. */
  String describe();

  /**
   * Takes the lease if nobody holds it and writes this node's {@link PrimaryInfo} under the key.
   *
   * @throws PrimaryExistsException another node holds it
   * @throws NotCandidateException this node is not a candidate
   */
  Lease acquire() throws LeaseException;

  /**
   * Takes over a lease that its previous holder {@linkplain Lease#detach() detached} for a handoff:
   * renews it and rewrites the key with this node's info, without the key ever becoming free.
   *
   * @param leaseId the {@link Lease#id()} sent by the previous primary
   * @throws LeaseExpiredException the lease expired before the takeover
   * @throws PrimaryExistsException the key is held under another lease
   * @throws HandoffNotSupportedException the backend cannot move its lease
   */
  Lease acquireExisting(String leaseId) throws LeaseException;

  /**
   * Reads who holds the lease now.
   *
   * @throws NoPrimaryException nobody holds it
   */
  PrimaryInfo primaryInfo() throws LeaseException;

  /**
   * Blocks until the primary differs from {@code seen} (it went away, appeared or changed) or the
   * timeout passes, and returns the primary then. Backed by the coordinator's change notification
   * (etcd watch, Consul blocking query), so a waiting candidate learns that the key became free as
   * soon as the coordinator deletes it, not on its next poll.
   *
   * @param seen the primary the caller last saw (empty: none)
   * @return the current primary: different from {@code seen} unless the timeout passed
   */
  Optional<PrimaryInfo> awaitPrimaryChange(Optional<PrimaryInfo> seen, Duration timeout)
      throws LeaseException, InterruptedException;

  /** The cluster ID stored beside the lease key; empty when none is set (always, for static). */
  Optional<ClusterId> clusterId() throws LeaseException;

  /**
   * Stores the cluster ID beside the lease key if none is stored yet. Setting the same ID again is
   * a no-op.
   *
   * @throws ClusterIdMismatchException a different ID is already stored
   */
  void setClusterId(ClusterId id) throws LeaseException;

  /**
   * Refuses to join when the backend holds a cluster ID different from this node's.
   *
   * @param local the ID in this node's data directory, if it has one
   * @throws ClusterIdMismatchException the IDs differ
   */
  default void checkClusterId(Optional<ClusterId> local) throws LeaseException {
    Optional<ClusterId> remote = clusterId();
    if (local.isPresent() && remote.isPresent() && !local.get().equals(remote.get())) {
      throw new ClusterIdMismatchException(local.get(), remote.get(), describeClusterId());
    }
  }

  /** Where the cluster ID lives, for messages, e.g. {@code etcd key "/app/primary/clusterid"}. */
  String describeClusterId();

  /** Stops the client and its threads. Idempotent. Does not release a held lease. */
  @Override
  void close();
}
