package dev.replicafs.replication.store;

/**
 * The byte offsets SQLite's unix VFS locks, and their names for diagnostics.
 *
 * <p>Database file ({@code os_unix.c}, {@code PENDING_BYTE = 0x40000000}): PENDING, RESERVED, and
 * the SHARED range of 510 bytes after them. WAL index ({@code -shm}): the eight WAL lock slots from
 * byte 120 ({@code WALINDEX_LOCK_OFFSET}) and the dead-man switch DMS at 128.
 */
public final class LockBytes {
  /** Database: taken shared briefly by readers, exclusive by a writer waiting for readers. */
  public static final long PENDING = 0x40000000L;

  /** Database: exclusive while a writer has a RESERVED lock (one writer at a time). */
  public static final long RESERVED = PENDING + 1;

  /** Database: first byte of the SHARED range. */
  public static final long SHARED_FIRST = PENDING + 2;

  /** Database: length of the SHARED range. */
  public static final int SHARED_SIZE = 510;

  /** WAL index: the writer's lock (one WAL writer at a time). */
  public static final long WAL_WRITE = 120;

  /** WAL index: the checkpointer's lock. */
  public static final long WAL_CKPT = 121;

  /** WAL index: held exclusively while the WAL index is rebuilt. */
  public static final long WAL_RECOVER = 122;

  /** WAL index: READ0; READ{@code i} is {@code WAL_READ0 + i} for i in 0..4. */
  public static final long WAL_READ0 = 123;

  /** Number of WAL read-mark locks. */
  public static final int WAL_READ_COUNT = 5;

  /** WAL index: dead-man switch: shared by every connection using the WAL index. */
  public static final long WAL_DMS = 128;

  private LockBytes() {}

  /** Name of the lock byte {@code offset} of {@code file}, or {@code "byte N"}. */
  static String name(LockFile file, long offset) {
    if (file == LockFile.DATABASE) {
      if (offset == PENDING) {
        return "PENDING";
      }
      if (offset == RESERVED) {
        return "RESERVED";
      }
      if (offset >= SHARED_FIRST && offset < SHARED_FIRST + SHARED_SIZE) {
        return "SHARED+" + (offset - SHARED_FIRST);
      }
    } else {
      if (offset == WAL_WRITE) {
        return "WRITE";
      }
      if (offset == WAL_CKPT) {
        return "CKPT";
      }
      if (offset == WAL_RECOVER) {
        return "RECOVER";
      }
      if (offset >= WAL_READ0 && offset < WAL_READ0 + WAL_READ_COUNT) {
        return "READ" + (offset - WAL_READ0);
      }
      if (offset == WAL_DMS) {
        return "DMS";
      }
    }
    return "byte " + offset;
  }

  /** Name of the range [start, end) of {@code file} ({@code end == Long.MAX_VALUE}: to EOF). */
  static String rangeName(LockFile file, long start, long end) {
    if (end == start + 1) {
      return name(file, start);
    }
    if (file == LockFile.DATABASE && start == SHARED_FIRST && end == SHARED_FIRST + SHARED_SIZE) {
      return "SHARED";
    }
    String last = end == Long.MAX_VALUE ? "EOF" : name(file, end - 1);
    return name(file, start) + ".." + last;
  }
}
