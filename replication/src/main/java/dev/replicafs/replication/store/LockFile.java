package dev.replicafs.replication.store;

/**
 * The two files of a database whose POSIX byte-range locks SQLite uses, each with the window of
 * bytes SQLite's unix VFS locks (tracked per byte with bit sets; locks outside the window are
 * tracked as plain ranges).
 */
public enum LockFile {
  /** The database file: PENDING, RESERVED and the 510-byte SHARED range, 512 bytes at 1 GiB. */
  DATABASE(LockBytes.PENDING, 512),
  /** The WAL index ({@code -shm}): WRITE, CKPT, RECOVER, READ0..READ4 and DMS, bytes 120..128. */
  SHM(LockBytes.WAL_WRITE, 9);

  private final long windowStart;
  private final int windowLength;

  LockFile(long windowStart, int windowLength) {
    this.windowStart = windowStart;
    this.windowLength = windowLength;
  }

  /** First byte of the per-byte window. */
  long windowStart() {
    return windowStart;
  }

  /** Byte just past the window. */
  long windowEnd() {
    return windowStart + windowLength;
  }

  /** Number of 64-bit words of a bit set covering the window. */
  int words() {
    return (windowLength + 63) >>> 6;
  }
}
