package dev.replicafs.replication.store;

/**
 * The data directory lacks the space to record a transaction, found before SQLite's commit frame
 * reached the WAL, so SQLite sees {@code SQLITE_FULL} and rolls the transaction back instead of
 * committing a transaction the store could not record. The FUSE layer answers ENOSPC.
 */
public final class DiskFullException extends StoreException {
  private static final long serialVersionUID = 1L;

  public DiskFullException(String message) {
    super(message);
  }
}
