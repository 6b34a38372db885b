package dev.replicafs.lease;

/**
 * Why a lease operation did not succeed. A closed set: the store's role loop switches on the
 * subtype (lost the race, nobody is primary, lease gone, wrong cluster, not allowed, coordinator
 * unreachable) and never parses messages. Messages say what to fix.
 */
public abstract sealed class LeaseException extends Exception
    permits PrimaryExistsException,
        NoPrimaryException,
        LeaseExpiredException,
        ClusterIdMismatchException,
        NotCandidateException,
        HandoffNotSupportedException,
        LeaseUnavailableException {

  private static final long serialVersionUID = 1L;

  LeaseException(String message) {
    super(message);
  }

  LeaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
