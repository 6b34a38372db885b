package dev.replicafs.replication.store;

import dev.replicafs.replication.sqlite.JournalMode;
import java.util.List;

/**
 * One step of acquiring an internal lock: lock (or unlock) [start, end) of a file. Steps of the
 * same group may be taken in any order and are kept while the others are awaited; a group must be
 * complete before the next group is tried.
 */
record LockStep(LockFile file, LockKind kind, long start, long end, int group) {

  private static LockStep db(long offset, long length, LockKind kind, int group) {
    return new LockStep(LockFile.DATABASE, kind, offset, offset + length, group);
  }

  private static LockStep shm(long offset, LockKind kind, int group) {
    return new LockStep(LockFile.SHM, kind, offset, offset + 1, group);
  }

  /**
   * The full write lock. Rollback: RESERVED, then PENDING (from here no new reader starts), then
   * the SHARED range, all exclusive: SQLite's own RESERVED to EXCLUSIVE escalation. WAL: DMS
   * shared, then WRITE, CKPT, RECOVER exclusive, then READ0..READ4 exclusive, each taken as soon as
   * it is free so that a stream of readers cannot keep all five busy forever.
   */
  static List<LockStep> write(JournalMode mode) {
    if (mode == JournalMode.ROLLBACK) {
      return List.of(
          db(LockBytes.RESERVED, 1, LockKind.WRITE, 0),
          db(LockBytes.PENDING, 1, LockKind.WRITE, 1),
          db(LockBytes.SHARED_FIRST, LockBytes.SHARED_SIZE, LockKind.WRITE, 2));
    }
    return List.of(
        shm(LockBytes.WAL_DMS, LockKind.READ, 0),
        shm(LockBytes.WAL_WRITE, LockKind.WRITE, 1),
        shm(LockBytes.WAL_CKPT, LockKind.WRITE, 2),
        shm(LockBytes.WAL_RECOVER, LockKind.WRITE, 3),
        shm(LockBytes.WAL_READ0, LockKind.WRITE, 4),
        shm(LockBytes.WAL_READ0 + 1, LockKind.WRITE, 4),
        shm(LockBytes.WAL_READ0 + 2, LockKind.WRITE, 4),
        shm(LockBytes.WAL_READ0 + 3, LockKind.WRITE, 4),
        shm(LockBytes.WAL_READ0 + 4, LockKind.WRITE, 4));
  }

  /**
   * A consistent read lock: a SQLite reader's SHARED lock on the database (PENDING shared, SHARED
   * shared, PENDING released, so a writer holding PENDING is not overtaken); in WAL mode also DMS,
   * WRITE and CKPT shared, so no transaction commits and no checkpoint runs while it is held.
   */
  static List<LockStep> read(JournalMode mode) {
    List<LockStep> db =
        List.of(
            db(LockBytes.PENDING, 1, LockKind.READ, 0),
            db(LockBytes.SHARED_FIRST, LockBytes.SHARED_SIZE, LockKind.READ, 1),
            db(LockBytes.PENDING, 1, LockKind.UNLOCK, 2));
    if (mode == JournalMode.ROLLBACK) {
      return db;
    }
    return List.of(
        db.get(0),
        db.get(1),
        db.get(2),
        shm(LockBytes.WAL_DMS, LockKind.READ, 3),
        shm(LockBytes.WAL_WRITE, LockKind.READ, 4),
        shm(LockBytes.WAL_CKPT, LockKind.READ, 5));
  }
}
