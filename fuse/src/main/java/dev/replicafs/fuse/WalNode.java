package dev.replicafs.fuse;

import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import java.time.Instant;

/**
 * The {@code <db>-wal} file: a passthrough to the store's {@code wal} file, mode 0666, present only
 * while the real file exists. Writes and truncation are commit signals the {@link Db} interprets.
 */
final class WalNode extends DataFileNode {
  WalNode(Db db, MountStatus status, Instant mtime) {
    super(db, FileKind.WAL, status, mtime);
  }
}
