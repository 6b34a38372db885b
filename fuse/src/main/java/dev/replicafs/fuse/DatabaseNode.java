package dev.replicafs.fuse;

import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.LockFile;
import java.time.Instant;

/**
 * The {@code <db>} file: the SQLite database itself, mode 0666 on the primary and 0444 on a
 * replica. On a replica an open for writing is refused with EACCES, so SQLite falls back to a
 * read-only open and reports {@code SQLITE_READONLY} for writes in every journal mode. Unlinking it
 * on the primary drops the database.
 */
final class DatabaseNode extends DataFileNode {
  DatabaseNode(Db db, MountStatus status, Instant mtime) {
    super(db, FileKind.DATABASE, status, mtime);
  }

  @Override
  int mode() {
    return status.isPrimary() || db.isWritable() ? 0666 : 0444;
  }

  @Override
  LockFile lockFile() {
    return LockFile.DATABASE;
  }
}
