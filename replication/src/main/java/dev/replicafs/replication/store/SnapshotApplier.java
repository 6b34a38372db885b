package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.LtxApplier.Verified;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Applies a received snapshot (docs/ARCHITECTURE.md, "Applying a snapshot"). When it was received
 * into a {@link SnapshotImage} and no snapshot of this database is being streamed from this node,
 * the image is renamed over the database:
 *
 * <pre>
 *   fsync image, fsync spool, spool → .pending, fsync ltx/     APPLY:SNAPSHOT_FSYNC, LTX_FSYNC,
 *                                                              LTX_PENDING_RENAME, LTX_FSYNC_DIR
 *   WAL truncated to 0 (its frames belong to the old file)    APPLY:WAL_TRUNCATE, WAL_FSYNC
 *   image → database, fsync the database directory            APPLY:SNAPSHOT_RENAME, DB_FSYNC_DIR
 *   .pending → final name, every other LTX file deleted       APPLY:LTX_RENAME, LTX_DELETE
 * </pre>
 *
 * Otherwise its pages are written into the database in place (the path every file took before), so
 * an open {@link SnapshotCapture} sees each overwrite. Caller holds the write guard and {@link
 * Db#mu}.
 */
final class SnapshotApplier {
  private SnapshotApplier() {}

  static Pos apply(Db db, Verified v) throws IOException {
    LtxHeader h = v.header();
    PageChecksums sums = LtxApplier.check(db, v, db.pos(), db.checksums);
    SnapshotImage image = v.image();
    if (image != null && db.captures.isEmpty()) {
      image.force(db);
    }
    Path pending = LtxGroupApplier.makeDurable(db, List.of(v)).get(0);
    LtxFileName name = LtxFileName.of(h);
    long oldSize = db.files.size(FileKind.DATABASE, "APPLY:DB_SIZE");
    try {
      if (image != null && db.captures.isEmpty()) {
        replaceDatabase(db, image);
        db.store
            .invalidator()
            .invalidateDatabase(
                db.name, 0, Math.max(1, Math.max(oldSize, h.commit() * h.pageSize())));
      } else {
        DbRecovery.checkpointWal(db, "APPLY");
        LtxApplier.writePages(db, pending, "APPLY", true);
      }
      db.ltx.installLazily("APPLY", pending, name);
      db.ltx.deleteAllExcept("APPLY:LTX_DELETE", name);
    } catch (IOException | RuntimeException e) {
      db.store.fatal(db.name, "apply failed after it began to change the database", e);
      throw e;
    }
    if (image != null) {
      image.discard(db);
      db.checksums = image.checksums();
    } else {
      sums.apply(v.pages(), h.commit());
      db.checksums = sums;
    }
    LtxGroupApplier.afterWrite(db, h);
    return db.publish(h, v.trailer().postApplyChecksum(), PositionEvent.Cause.APPLY).pos();
  }

  /** Renames the fsynced image over the database and swaps the open channel. */
  private static void replaceDatabase(Db db, SnapshotImage image) throws IOException {
    db.endWalGeneration();
    FileChannel wal = db.files.channel(FileKind.WAL);
    if (wal != null && db.ops.size("APPLY:WAL_SIZE", wal) > 0) {
      // Truncated, not deleted: SQLite connections keep the WAL open (see checkpointWal).
      db.ops.truncate("APPLY:WAL_TRUNCATE", wal, 0);
      db.ops.force("APPLY:WAL_FSYNC", wal);
    }
    FileChannel fresh =
        db.ops.open(
            "APPLY:SNAPSHOT_OPEN", image.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      db.ops.move("APPLY:SNAPSHOT_RENAME", image.path(), db.files.path(FileKind.DATABASE));
      db.ops.syncDirectory("APPLY:DB_FSYNC_DIR", db.files.dir());
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
    FileChannel old = db.files.replace(FileKind.DATABASE, fresh);
    if (old != null) {
      old.close();
    }
  }
}
