package dev.replicafs.replication.replica;

/**
 * Told about a {@link ReplicaClient}'s connection (events, metrics, and the lease state machine,
 * which acts on a handoff). Called on the replication thread; must be quick and not throw.
 */
public interface ReplicaObserver {
  /** Ignores everything. */
  ReplicaObserver NONE = new ReplicaObserver() {};

  /** The stream to the primary opened. */
  default void connected(String primaryNodeId) {}

  /** The initial catch-up finished. */
  default void ready() {}

  /** The stream ended or failed. */
  default void disconnected() {}

  /** The primary handed its lease to this node; acquire it with {@code token}. */
  default void handoff(String token) {}

  /** The primary announced the replicas it knows (PEERS, synchronous replication only). */
  default void peers(dev.replicafs.replication.stream.StreamFrame.Peers peers) {}
}
