package dev.replicafs.lease;

/** This node is configured with {@code lease.candidate: false} and never takes the lease. */
public final class NotCandidateException extends LeaseException {
  private static final long serialVersionUID = 1L;

  public NotCandidateException(String hostname) {
    super(
        "node "
            + hostname
            + " is not a candidate (lease.candidate: false) and never becomes primary; set"
            + " lease.candidate: true on nodes that may take the lease");
  }
}
