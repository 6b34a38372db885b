package dev.replicafs.replication.store;

/**
 * A lock that blocks a request: the answer to {@code F_GETLK}. The range is the whole contiguous
 * run the holder has of this kind around the first blocked byte, as the kernel would report it.
 *
 * @param kind {@link LockKind#READ} or {@link LockKind#WRITE}: the type the holder has
 * @param start first byte
 * @param length bytes; 0 means "to the end of the file" as in {@code struct flock}
 * @param owner lock owner of the holder (an internal owner id for the store's own guards)
 */
public record LockConflict(LockKind kind, long start, long length, long owner) {

  /** Validates the values. */
  public LockConflict {
    if (kind == null || kind == LockKind.UNLOCK) {
      throw new IllegalArgumentException("a conflict is a READ or WRITE lock, not " + kind);
    }
    if (start < 0 || length < 0) {
      throw new IllegalArgumentException("bad conflict range " + start + "+" + length);
    }
  }
}
