package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.sqlite.DatabaseHeader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery steps for what an interrupted apply on a replica leaves (labels {@code RECOVER:*};
 * docs/ARCHITECTURE.md, "Apply (replica)" and recovery steps 1 and 5): pending files of a group, a
 * pending snapshot, a named snapshot whose older files were not deleted yet. Called by {@link
 * DbRecovery} with {@link Db#mu} held.
 */
final class PendingApplies {
  private static final Logger log = LoggerFactory.getLogger(PendingApplies.class);

  private PendingApplies() {}

  /**
   * A named snapshot replaces the history before it; an apply deletes the older files right after
   * naming it, and a crash in between leaves them: delete every file that ends at or before the
   * newest snapshot.
   */
  static void deleteFilesASnapshotReplaced(Db db) throws IOException {
    List<LtxFileName> files = db.ltx.list();
    LtxFileName snapshot = null;
    for (LtxFileName n : files) {
      if (n.minTxid() == 1
          && (snapshot == null || Long.compareUnsigned(n.maxTxid(), snapshot.maxTxid()) > 0)) {
        snapshot = n;
      }
    }
    if (snapshot == null) {
      return;
    }
    for (LtxFileName n : files) {
      if (!n.equals(snapshot) && Long.compareUnsigned(n.maxTxid(), snapshot.maxTxid()) <= 0) {
        db.ops.deleteIfExists("RECOVER:LTX_DELETE", db.ltx.path(n));
        log.info("deleted an ltx file a snapshot replaced: db={} file={}", db.name, n);
      }
    }
  }

  /**
   * Finishes an apply that a crash interrupted (docs/ARCHITECTURE.md, "Apply (replica)"): its
   * verified files are still {@code .pending}. Those that continue the last named file (or start
   * with a snapshot) are replayed in order, the database fsynced once, and named; if the database
   * already has the last one's post-apply checksum (the group's database fsync happened) they are
   * named without replaying, so a pending snapshot is not decoded. A pending file at or below the
   * last named TXID whose final name is missing lost its rename while a later one survived: it is
   * named. Everything else pending is deleted.
   */
  static boolean finish(Db db, LastFile last) throws IOException {
    List<LtxFileName> pending = db.ltx.pending();
    if (pending.isEmpty()) {
      return false;
    }
    List<LastFile> chain = new java.util.ArrayList<>();
    boolean named = false;
    for (LtxFileName name : pending) {
      java.nio.file.Path path = db.ltx.pendingPath(name);
      if (last != null
          && Long.compareUnsigned(name.maxTxid(), last.header().maxTxid()) <= 0
          && name.minTxid() != 1) {
        if (!db.ops.exists("RECOVER:LTX_EXISTS", db.ltx.path(name))
            && DbRecovery.read(db, name, path) != null) {
          db.ops.move("RECOVER:LTX_RENAME", path, db.ltx.path(name));
          named = true;
          log.info("named an applied file whose rename was lost: db={} file={}", db.name, name);
        } else {
          db.ops.deleteIfExists("RECOVER:LTX_DELETE_PENDING", path);
        }
        continue;
      }
      LastFile p = DbRecovery.readEnds(db, name, path);
      LastFile prev = chain.isEmpty() ? last : chain.get(chain.size() - 1);
      boolean continues =
          p != null
              && (p.header().isSnapshot()
                  ? chain.isEmpty()
                  : prev != null
                      && p.header().minTxid() == prev.header().maxTxid() + 1
                      && p.header().preApplyChecksum() == prev.trailer().postApplyChecksum());
      if (continues) {
        chain.add(p);
      } else {
        db.ops.deleteIfExists("RECOVER:LTX_DELETE_PENDING", path);
      }
    }
    if (named) {
      db.ops.syncDirectory("RECOVER:LTX_FSYNC_DIR", db.ltx.dir());
    }
    if (chain.isEmpty()) {
      return false;
    }
    LastFile end = chain.get(chain.size() - 1);
    boolean done =
        db.checksums.value() == end.trailer().postApplyChecksum()
            && db.checksums.count() == end.header().commit();
    if (!done) {
      done = replayChain(db, chain);
    }
    for (LastFile f : chain) {
      java.nio.file.Path path = db.ltx.pendingPath(f.name());
      if (done) {
        db.ops.move("RECOVER:LTX_RENAME", path, db.ltx.path(f.name()));
      } else {
        db.ops.deleteIfExists("RECOVER:LTX_DELETE_PENDING", path);
      }
    }
    db.ops.syncDirectory("RECOVER:LTX_FSYNC_DIR", db.ltx.dir());
    if (!done) {
      return false;
    }
    if (chain.get(0).header().isSnapshot()) {
      java.util.Set<LtxFileName> keep = new java.util.HashSet<>();
      chain.forEach(f -> keep.add(f.name()));
      for (LtxFileName n : db.ltx.list()) {
        if (!keep.contains(n)) {
          db.ops.deleteIfExists("RECOVER:LTX_DELETE", db.ltx.path(n));
        }
      }
    }
    db.restorePos(
        new Pos(end.header().maxTxid(), end.trailer().postApplyChecksum()),
        end.header().timestamp());
    log.info("finished an interrupted apply: db={} files={}", db.name, chain.size());
    return true;
  }

  /**
   * Decodes every pending file of the chain first (a group's pending names can be durable before
   * their content while the database is still untouched: a file that does not decode ends the
   * chain), then writes their pages in order and fsyncs the database once; true if that gives the
   * last file's post-apply checksum.
   */
  private static boolean replayChain(Db db, List<LastFile> ends) throws IOException {
    List<LastFile> files = new java.util.ArrayList<>();
    for (LastFile e : ends) {
      LastFile f = DbRecovery.read(db, e.name(), db.ltx.pendingPath(e.name()));
      if (f == null || f.trailer().postApplyChecksum() != e.trailer().postApplyChecksum()) {
        return false;
      }
      files.add(f);
    }
    PageChecksums sums = db.checksums;
    LtxHeader h = null;
    for (LastFile f : files) {
      h = f.header();
      LtxApplier.writePages(db, db.ltx.pendingPath(f.name()), "RECOVER", false);
      if (h.isSnapshot() || sums.pageSize() == 0) {
        sums = new PageChecksums(h.pageSize());
      }
      sums.apply(f.pages(), h.commit());
    }
    db.checksums = h.commit() == 0 ? new PageChecksums(0) : sums;
    FileChannel dbFile = db.files.channel(FileKind.DATABASE);
    if (dbFile != null) {
      db.ops.force("RECOVER:DB_FSYNC", dbFile);
    }
    DatabaseHeader dh = db.readHeader("RECOVER:DB_READ_HEADER");
    db.walMode = dh != null && dh.isWal();
    return db.checksums.value() == ends.get(ends.size() - 1).trailer().postApplyChecksum();
  }
}
