package dev.replicafs.replication.store;

/**
 * A lock the store holds itself ({@link LockTable#acquireWriteLock} or {@link
 * LockTable#acquireReadLock}) under an internal owner that never collides with a FUSE lock owner.
 * Closing releases every byte it holds; closing twice is harmless.
 */
public final class LockGuard implements AutoCloseable {
  private final LockTable table;
  private final LockOwnerState state;
  private final long owner;
  private final String description;
  private boolean closed;

  LockGuard(LockTable table, LockOwnerState state, String description) {
    this.table = table;
    this.state = state;
    this.owner = state.id;
    this.description = description;
  }

  /** The internal owner id, as shown in {@link LockTable#toString()} ("internal#N"). */
  public long owner() {
    return owner;
  }

  LockOwnerState state() {
    return state;
  }

  /** Returns true the first time only; guarded by the table's monitor. */
  boolean markClosed() {
    boolean first = !closed;
    closed = true;
    return first;
  }

  @Override
  public void close() {
    table.release(this);
  }

  @Override
  public String toString() {
    return description + " internal#" + owner;
  }
}
