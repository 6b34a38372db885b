package dev.replicafs.lease;

/**
 * The cluster ID stored beside the lease key differs from the one this node holds: its data
 * directory belongs to another cluster (or the lease key is shared by two clusters). The node must
 * not join: its databases would be overwritten by, or would overwrite, another cluster's.
 */
public final class ClusterIdMismatchException extends LeaseException {
  private static final long serialVersionUID = 1L;

  private final transient ClusterId local;
  private final transient ClusterId remote;

  /**
   * @param local the cluster ID this node holds (its data directory's, or the one it tried to set)
   * @param remote the cluster ID already stored in the lease backend
   * @param where the backend location, e.g. {@code etcd key "/app/primary/clusterid"}
   */
  public ClusterIdMismatchException(ClusterId local, ClusterId remote, String where) {
    super(message(local, remote, where));
    this.local = local;
    this.remote = remote;
  }

  /** The ID this node holds. */
  public ClusterId local() {
    return local;
  }

  /** The ID stored in the lease backend. */
  public ClusterId remote() {
    return remote;
  }

  private static String message(ClusterId local, ClusterId remote, String where) {
    return "cluster ID mismatch: this node's data directory belongs to cluster "
        + local
        + " but "
        + where
        + " belongs to cluster "
        + remote
        + ". If this node should join that cluster, stop it and move its data directory aside"
        + " (it holds another cluster's databases), then start it again to re-sync from the"
        + " primary. If the lease key is wrong, point the lease at this cluster's own key. To"
        + " re-initialise the cluster on purpose, delete "
        + where
        + " while no node is running.";
  }
}
