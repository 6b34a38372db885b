package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.sqlite.DatabaseHeader;
import dev.replicafs.replication.store.LtxApplier.Verified;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a group of received incremental LTX files of one database with one set of fsyncs
 * (docs/ARCHITECTURE.md, "Apply (replica): files applied in groups"):
 *
 * <pre>
 *   check all (continuity, post-apply checksums)      nothing changed yet
 *   rename each spool file to .pending                 APPLY:LTX_PENDING_RENAME
 *   fsync them and ltx/ together (ConcurrentSync)      APPLY:LTX_FSYNC, LTX_FSYNC_DIR  (durable)
 *   write each file's pages, positions                APPLY:DB_WRITE...
 *   -- the caller releases the write lock and Db.mu: readers see the group --
 *   one database fsync, per file: final name          APPLY:DB_FSYNC, APPLY:LTX_RENAME
 * </pre>
 *
 * A refused file ends the group: the files before it are applied, then its error is thrown. A
 * failure after the database began to change goes to the fatal handler; recovery finishes the group
 * from the pending files. Snapshots are applied alone by {@link SnapshotApplier}. Caller holds the
 * lock table's write guard and {@link Db#mu}.
 */
final class LtxGroupApplier {
  private LtxGroupApplier() {}

  /**
   * The database fsync and final names of an applied group, run by the caller after it released the
   * lock table's write lock and {@link Db#mu}, so readers see the group one fsync earlier. The
   * group is already durable in its pending files (recovery replays them); nothing else may apply
   * to the database until this ran (the caller serializes applies).
   */
  @FunctionalInterface
  interface Finish {
    void run() throws IOException;

    Finish NONE = () -> {};
  }

  /** Positions after each file, what is left to do outside the locks, and a refused file. */
  record Applied(List<Pos> positions, Finish finish, LtxApplyException refused) {
    /** Runs the finish, then throws the refusal if a file was refused; returns the positions. */
    List<Pos> complete() throws IOException {
      finish.run();
      if (refused != null) {
        throw refused;
      }
      return positions;
    }
  }

  /** Applies {@code files} in order; returns the position after each one. */
  static Applied apply(Db db, List<Verified> files) throws IOException {
    List<Pos> out = new ArrayList<>();
    int first = 0;
    while (first < files.size() && db.isCurrent(files.get(first))) {
      out.add(db.pos());
      first++;
    }
    List<Verified> rest = files.subList(first, files.size());
    if (rest.isEmpty()) {
      return new Applied(out, Finish.NONE, null);
    }
    if (JournalRollback.isHot(db)) {
      // Left by a transaction this node began as primary and could not commit (the lease moved
      // mid-way). Under the write lock no connection owns it: it is hot. Roll it back now, or
      // SQLite would later play its stale pages over the ones applied here.
      db.rollBackUnownedJournal();
    }
    Applied a = applyChecked(db, rest);
    out.addAll(a.positions());
    return new Applied(out, a.finish(), a.refused());
  }

  /**
   * Applies {@code rest} (a snapshot alone, or incremental files) without the echo and journal
   * checks: also the primary's path for a halted replica's commit.
   */
  static Applied applyChecked(Db db, List<Verified> rest) throws IOException {
    List<Pos> out = new ArrayList<>();
    if (rest.get(0).header().isSnapshot()) {
      if (rest.size() > 1) {
        throw new IllegalArgumentException("a snapshot is applied alone: db=" + db.name);
      }
      out.add(SnapshotApplier.apply(db, rest.get(0)));
      return new Applied(out, Finish.NONE, null);
    }
    List<Verified> ok = new ArrayList<>();
    LtxApplyException refused = null;
    Pos at = db.pos();
    PageChecksums table = rest.size() == 1 ? db.checksums : db.checksums.copy();
    for (Verified v : rest) {
      if (v.header().isSnapshot()) {
        throw new IllegalArgumentException("a snapshot is applied alone: db=" + db.name);
      }
      try {
        PageChecksums sums = LtxApplier.check(db, v, at, table);
        if (rest.size() > 1) {
          sums.apply(v.pages(), v.header().commit());
        }
        table = sums;
      } catch (LtxApplyException e) {
        refused = e;
        break;
      }
      at = new Pos(v.header().maxTxid(), v.trailer().postApplyChecksum());
      ok.add(v);
    }
    if (ok.isEmpty()) {
      throw refused;
    }
    List<Path> pending = makeDurable(db, ok);
    LtxHeader last = ok.get(ok.size() - 1).header();
    FileChannel dbFile;
    try {
      DbRecovery.checkpointWal(db, "APPLY");
      for (int i = 0; i < pending.size(); i++) {
        LtxApplier.writePages(db, ok.get(i), pending.get(i), "APPLY", false);
      }
      dbFile = db.files.channel(FileKind.DATABASE);
      if (ok.size() == 1) {
        table.apply(ok.get(0).pages(), last.commit());
      }
      db.checksums = table;
      afterWrite(db, last);
    } catch (IOException | RuntimeException e) {
      db.store.fatal(db.name, "apply failed after it began to change the database", e);
      throw e;
    }
    for (Verified v : ok) {
      out.add(
          db.publish(v.header(), v.trailer().postApplyChecksum(), PositionEvent.Cause.APPLY).pos());
    }
    Finish finish =
        () -> {
          try {
            if (last.commit() > 0 && dbFile != null) {
              db.ops.forceData("APPLY:DB_FSYNC", dbFile);
            }
            for (int i = 0; i < ok.size(); i++) {
              db.ltx.installLazily("APPLY", pending.get(i), LtxFileName.of(ok.get(i).header()));
            }
          } catch (IOException | RuntimeException e) {
            db.store.fatal(db.name, "apply failed after it changed the database", e);
            throw e;
          }
        };
    return new Applied(out, finish, refused);
  }

  /**
   * Renames each spool file to its pending name, then fsyncs them and the directory together
   * ({@link ConcurrentSync}: one journal commit for the group on ext4/XFS). A pending name may be
   * durable before its content only while the database is untouched; recovery deletes a pending
   * file that does not decode. On failure the pending names are removed again (the database is
   * unchanged).
   */
  static List<Path> makeDurable(Db db, List<Verified> files) throws IOException {
    List<Path> pending = new ArrayList<>();
    try {
      for (Verified v : files) {
        Path p = db.ltx.pendingPath(LtxFileName.of(v.header()));
        db.ops.move("APPLY:LTX_PENDING_RENAME", v.tmp(), p);
        pending.add(p);
      }
      db.store
          .concurrentSync()
          .syncAll("APPLY:LTX_FSYNC", pending, "APPLY:LTX_FSYNC_DIR", db.ltx.dir());
      return pending;
    } catch (IOException | RuntimeException e) {
      for (Path p : pending) {
        try {
          db.ops.deleteIfExists("APPLY:LTX_CLEANUP", p);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** Journal mode from the new header; in WAL mode the shm is reset once for readers. */
  static void afterWrite(Db db, LtxHeader last) throws IOException {
    if (last.commit() == 0) {
      db.walMode = false;
    } else {
      DatabaseHeader dh = db.readHeader("APPLY:DB_READ_HEADER");
      db.walMode = dh != null && dh.isWal();
      if (db.walMode && WalIndexHeader.reset(db, last.pageSize(), last.commit())) {
        db.store.invalidator().invalidateShm(db.name);
      }
    }
    db.clearDirty();
  }
}
