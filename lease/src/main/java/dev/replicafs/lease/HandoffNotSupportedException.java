package dev.replicafs.lease;

/** The backend cannot move its lease to another node (the static lease has a fixed primary). */
public final class HandoffNotSupportedException extends LeaseException {
  private static final long serialVersionUID = 1L;

  public HandoffNotSupportedException(String type) {
    super(
        type
            + " lease does not support handoff: the primary is fixed by configuration; use a"
            + " consul or etcd lease to move the primary");
  }
}
