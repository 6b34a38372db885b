package dev.replicafs.lease;

/** Nobody holds the lease: a candidate should try to acquire it, a non-candidate must wait. */
public final class NoPrimaryException extends LeaseException {
  private static final long serialVersionUID = 1L;

  public NoPrimaryException(String where) {
    super("no primary: " + where + " is not held by any node");
  }
}
