package dev.replicafs.lease;

/**
 * The lease is gone: it expired on the coordinator, was revoked, could not be renewed before its
 * fencing deadline, or was handed to another node. The holder must stop acting as primary.
 */
public final class LeaseExpiredException extends LeaseException {
  private static final long serialVersionUID = 1L;

  public LeaseExpiredException(String message) {
    super(message);
  }

  public LeaseExpiredException(String message, Throwable cause) {
    super(message, cause);
  }
}
