package dev.replicafs.replication.store;

/**
 * A write or truncate the store cannot accept in the database's current state, for example a
 * database write that is not page aligned or a WAL truncate to a non-zero size.
 */
public final class InvalidWriteException extends StoreException {
  private static final long serialVersionUID = 1L;

  public InvalidWriteException(String message) {
    super(message);
  }
}
