package dev.replicafs.replication.store;

/**
 * A database, or one of its files ({@code -journal}, {@code -wal}, {@code -shm}), does not exist.
 */
public final class NotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }
}
