package dev.replicafs.replication.http;

import dev.replicafs.lease.PrimaryInfo;
import java.time.Duration;
import java.util.Optional;

/**
 * What the node API needs to know about this node's role beyond the store's primary flag: who the
 * primary is and how far behind this replica is. Implemented by the component that owns the role
 * ({@code dev.replicafs.replication.node.ReplicationNode} with a static configuration today, the
 * lease state machine later).
 */
public interface RoleView {
  /** The current primary (this node's own info when it is the primary), if known. */
  Optional<PrimaryInfo> primary();

  /** Whether this node is the primary (the role machine's view; the store's flag without one). */
  boolean isPrimary();

  /** This replica's lag; zero on the primary. */
  Duration lag();
}
