package dev.replicafs.replication.store;

/**
 * Told when a lock owner releases the WAL WRITE lock (shm byte 120) it held exclusively: the end of
 * a SQLite WAL write transaction, committed or rolled back, which is where the store scans the WAL
 * for a new commit.
 *
 * <p>Called on the releasing thread, outside the table's monitor, while byte 120 is still held by
 * the releasing owner: no other writer can append to or restart the WAL and no checkpoint can start
 * until the listener returns; then the byte is released and the releasing call returns. The
 * listener must not lock or unlock on behalf of the same owner, and must not wait for a lock that
 * includes the WRITE byte ({@link LockTable#acquireWriteLock} in WAL mode, {@link
 * LockTable#acquireReadLock} in WAL mode): it would wait for itself until that lock's deadline. An
 * exception it throws propagates to the releasing caller after the byte has been released.
 */
@FunctionalInterface
public interface LockListener {

  /** The owner's exclusive WAL WRITE lock is being released. */
  void walWriteLockReleased(long owner);
}
