package dev.replicafs.replication.replica;

import java.io.IOException;

/**
 * The primary belongs to another cluster than this replica's data directory (or one of the two has
 * no cluster ID while the other has). Nothing from that primary is applied.
 */
public final class ClusterMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  public ClusterMismatchException(String message) {
    super(message);
  }
}
