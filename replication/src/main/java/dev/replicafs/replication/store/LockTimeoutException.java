package dev.replicafs.replication.store;

/**
 * The store's own lock ({@link LockTable#acquireWriteLock}, {@link LockTable#acquireReadLock}) was
 * not granted before its deadline. The message names the lock and the current holders.
 */
public final class LockTimeoutException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the lock and its holders. */
  public LockTimeoutException(String message) {
    super(message);
  }
}
