package dev.replicafs.fuse;

import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.LockFile;
import java.time.Instant;

/**
 * The {@code <db>-shm} file (WAL index): a passthrough to the store's {@code shm} file, mode 0666.
 * SQLite maps it shared, so it is always opened cached. It stays writable on a replica: readers
 * record their read marks in it.
 */
final class ShmNode extends DataFileNode {
  ShmNode(Db db, MountStatus status, Instant mtime) {
    super(db, FileKind.SHM, status, mtime);
  }

  @Override
  boolean writableOnReplica() {
    return true;
  }

  @Override
  LockFile lockFile() {
    return LockFile.SHM;
  }
}
