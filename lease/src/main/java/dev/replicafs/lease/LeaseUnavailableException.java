package dev.replicafs.lease;

/**
 * The coordinator could not be reached or refused the request (connection failure, timeout,
 * authentication, permission). Retry after {@code lease.reconnect-delay}; the message names the
 * endpoint and the operation.
 */
public final class LeaseUnavailableException extends LeaseException {
  private static final long serialVersionUID = 1L;

  public LeaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
