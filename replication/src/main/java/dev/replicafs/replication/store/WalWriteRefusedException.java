package dev.replicafs.replication.store;

/**
 * A write to the WAL arrived while no connection held the WAL WRITE lock (shm byte 120), or it
 * tried to rewrite frames already recorded in an LTX file. SQLite only does this with {@code PRAGMA
 * locking_mode=EXCLUSIVE}, where it keeps the WAL index in heap memory and never takes the shm
 * locks; ReplicaFS cannot see such commits, so it refuses them.
 */
public final class WalWriteRefusedException extends StoreException {
  private static final long serialVersionUID = 1L;

  public WalWriteRefusedException(String message) {
    super(message);
  }
}
