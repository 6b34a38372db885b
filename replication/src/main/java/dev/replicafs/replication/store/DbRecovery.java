package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.DatabaseFileChecksum;
import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxFormatException;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.LtxTrailer;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.sqlite.DatabaseHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one database to a consistent position when the store opens (labels {@code RECOVER:*}):
 *
 * <ol>
 *   <li>Delete temporary files of interrupted writes and the shm (SQLite rebuilds it).
 *   <li>Roll back a hot journal exactly as SQLite would ({@link JournalRollback}).
 *   <li>Delete the newest LTX files from the first one a power loss lost or tore before its
 *       background fsync ({@link UnsyncedFiles}).
 *   <li>Reconcile the WAL with the last LTX file ({@link WalRecovery}): frames that file never
 *       recorded are cut off, recorded frames are copied into the database and the WAL removed.
 *   <li>Compute every page checksum from scratch, in parallel.
 *   <li>Verify the last LTX file and compare: equal checksums give the position. If the database
 *       differs from the last file only in that file's pages (a crash while a replica applied it,
 *       or after a commit named it but before the journal went away), replay it. Otherwise do not
 *       refuse to start, unlike LiteFS (issues #134, #166, #428): keep the database as SQLite's own
 *       recovery left it, record a snapshot at a new TXID, and log a warning naming both checksums;
 *       replicas then take the snapshot.
 * </ol>
 */
final class DbRecovery {
  private static final Logger log = LoggerFactory.getLogger(DbRecovery.class);

  private DbRecovery() {}

  static void open(Db db) throws IOException {
    db.mu.lock();
    try {
      db.ltx.removeTemporaryFiles("RECOVER:DELETE_TMP");
      db.ltx.openFree();
      for (var p : db.ops.list("RECOVER:LIST", db.files.dir())) {
        if (p.getFileName().toString().endsWith(".tmp")) {
          db.ops.deleteIfExists("RECOVER:DELETE_TMP", p);
        }
      }
      db.files.openExisting();
      if (db.files.exists(FileKind.SHM)) {
        db.files.delete(FileKind.SHM, "RECOVER:DELETE_SHM");
      }
      JournalRollback.rollback(db);
      PendingApplies.deleteFilesASnapshotReplaced(db);
      UnsyncedFiles.dropUnsound(db);
      WalRecovery.dropUnsoundFiles(db);
      Optional<LtxFileName> lastName = db.ltx.last();
      LastFile last = lastName.isPresent() ? readLast(db, lastName.get()) : null;
      WalRecovery.Result wal = WalRecovery.reconcile(db, last == null ? null : last.header());
      scan(db, wal.commit());
      if (PendingApplies.finish(db, last)) {
        return;
      }
      if (wal.derived() != null && last != null && recordDerived(db, last, wal.derived())) {
        return;
      }
      decide(db, lastName.orElse(null), last);
    } finally {
      db.mu.unlock();
    }
  }

  private static LastFile readLast(Db db, LtxFileName name) throws IOException {
    java.nio.file.Path path = db.ltx.path(name);
    if (name.minTxid() == 1) {
      LastFile ends = readEnds(db, name, path);
      if (ends != null && ends.header().isSnapshot()) {
        // Decoded only if the database turns out not to match it (see decide).
        return ends;
      }
    }
    return read(db, name, path);
  }

  /**
   * The header and trailer of a file, without decoding its pages ({@code pages} is null), or null
   * if they are not valid.
   */
  static LastFile readEnds(Db db, LtxFileName name, java.nio.file.Path path) throws IOException {
    try (FileChannel ch =
        db.ops.open("RECOVER:LTX_READ", path, java.nio.file.StandardOpenOption.READ)) {
      long size = db.ops.size("RECOVER:LTX_SIZE", ch);
      if (size < LtxHeader.SIZE + LtxTrailer.SIZE) {
        return null;
      }
      byte[] head = new byte[LtxHeader.SIZE];
      byte[] tail = new byte[LtxTrailer.SIZE];
      db.ops.read("RECOVER:LTX_READ", ch, java.nio.ByteBuffer.wrap(head), 0);
      db.ops.read("RECOVER:LTX_READ", ch, java.nio.ByteBuffer.wrap(tail), size - tail.length);
      return new LastFile(name, LtxHeader.decode(head, 0, false), LtxTrailer.decode(tail, 0), null);
    } catch (LtxFormatException e) {
      return null;
    }
  }

  static LastFile read(Db db, LtxFileName name, java.nio.file.Path path) throws IOException {
    TreeMap<Long, Long> pages = new TreeMap<>();
    try (InputStream in = LtxApplier.open(db, path)) {
      LtxDecoder dec = LtxDecoder.open(in, LtxDecoder.Mode.LENIENT);
      LtxTrailer t =
          dec.readAll((pgno, data) -> pages.put(pgno, DatabaseChecksum.page(pgno, data)));
      return new LastFile(name, dec.header(), t, pages);
    } catch (LtxFormatException e) {
      log.warn("ltx file is corrupt: db={} file={} reason={}", db.name, name, e.getMessage());
      return null;
    }
  }

  /** Computes the checksums of the database file from scratch. */
  private static void scan(Db db, long walCommit) throws IOException {
    DatabaseHeader h = db.readHeader("RECOVER:DB_READ_HEADER");
    long fileSize = db.files.size(FileKind.DATABASE, "RECOVER:DB_SIZE");
    if (h == null) {
      if (fileSize > 0) {
        setAside(db);
      }
      db.checksums = new PageChecksums(0);
      db.walMode = false;
      return;
    }
    int ps = h.pageSize();
    long count = walCommit >= 0 ? walCommit : h.effectivePageCount(fileSize);
    if (count * ps > fileSize) {
      log.warn(
          "database file is shorter than its header says: db={} pages={} fileSize={}",
          db.name,
          count,
          fileSize);
      count = fileSize / ps;
    }
    long[] sums = new long[(int) Math.max(1, count)];
    FileChannel ch = db.files.required(db.name, FileKind.DATABASE);
    DatabaseFileChecksum.compute(
        ch, ps, count, sums, db.store.checksumThreads(), db.store.checksumPool());
    db.checksums = new PageChecksums(ps, sums, (int) count);
    db.walMode = h.isWal();
  }

  private static void setAside(Db db) throws IOException {
    var aside = db.files.dir().resolve("database.invalid-" + db.store.clock().millis());
    log.warn(
        "database file has no valid sqlite header; moved aside and starting empty: db={} file={}",
        db.name,
        aside);
    db.files.delete(FileKind.JOURNAL, "RECOVER:DELETE_JOURNAL");
    db.files.delete(FileKind.WAL, "RECOVER:DELETE_WAL");
    FileChannel ch = db.files.channel(FileKind.DATABASE);
    if (ch != null) {
      ch.close();
    }
    db.ops.move("RECOVER:DB_SET_ASIDE", db.files.path(FileKind.DATABASE), aside);
    db.files.forget(FileKind.DATABASE);
    db.files.create(FileKind.DATABASE, "RECOVER:DB_CREATE");
    db.ops.syncDirectory("RECOVER:FSYNC_DIR", db.files.dir());
  }

  private static void decide(Db db, LtxFileName lastName, LastFile last) throws IOException {
    long value = db.checksums.value();
    long count = db.checksums.count();
    if (lastName == null) {
      if (count > 0) {
        log.info("database has no ltx files; recording a snapshot: db={}", db.name);
        recordSnapshot(db, PositionEvent.Cause.RECOVERY, "no ltx files");
      }
      return;
    }
    if (last != null) {
      long post = last.trailer().postApplyChecksum();
      if (value == post && count == last.header().commit()) {
        db.restorePos(new Pos(last.header().maxTxid(), post), last.header().timestamp());
        return;
      }
      if (last.pages() == null) {
        // A snapshot read without its pages does not match: decode it to tell a corrupt file.
        last = read(db, lastName, db.ltx.path(lastName));
      }
    }
    if (last != null) {
      long post = last.trailer().postApplyChecksum();
      if (!last.header().isSnapshot() && value == last.header().preApplyChecksum()) {
        // A commit named the file, then the crash left a hot journal that rolled it back.
        db.restorePos(new Pos(last.header().minTxid() - 1, value), 0);
        if (replay(db, last, db.ltx.path(lastName))) {
          log.info(
              "replayed the last ltx file of an interrupted commit: db={} file={}",
              db.name,
              lastName);
          return;
        }
      }
    }
    db.restorePos(
        new Pos(lastName.maxTxid(), last == null ? 0 : last.trailer().postApplyChecksum()), 0);
    log.warn(
        "database and its last ltx file disagree; keeping the database and recording a snapshot: db={} databaseChecksum={} ltxChecksum={} file={}",
        db.name,
        String.format("%016x", db.checksums.value()),
        last == null ? "corrupt" : String.format("%016x", last.trailer().postApplyChecksum()),
        lastName);
    recordSnapshot(db, PositionEvent.Cause.RECOVERY, "database and last ltx file disagree");
  }

  /**
   * Records the committed WAL transactions no LTX file named (the naming thread had not reached
   * them, or their files did not survive a power loss) as one file after {@code last}: one TXID per
   * WAL transaction (MinTXID = {@code last}'s MaxTXID + 1; a client's TXID token of such a commit
   * is reached), the newest version of every page they wrote, pre-apply = {@code last}'s post-apply
   * checksum, post-apply = the from-scratch checksum. Returns false (recovery goes on to {@link
   * #decide}) when the page size changed or the database is empty.
   */
  private static boolean recordDerived(Db db, LastFile last, WalRecovery.Derived d)
      throws IOException {
    int ps = db.checksums.pageSize();
    long count = db.checksums.count();
    long post = db.checksums.value();
    LtxHeader lh = last.header();
    if (ps == 0 || count == 0 || (lh.commit() > 0 && lh.pageSize() != ps)) {
      return false;
    }
    Pos prev = new Pos(lh.maxTxid(), last.trailer().postApplyChecksum());
    db.restorePos(prev, lh.timestamp());
    if (post == prev.postApplyChecksum() && count == lh.commit()) {
      return true;
    }
    LtxHeader next = db.nextHeader(ps, count, d.walOffset(), d.walSize(), d.salt1(), d.salt2());
    LtxHeader header =
        new LtxHeader(
            next.flags(),
            ps,
            count,
            next.minTxid(),
            next.minTxid() + Math.max(1, d.transactions()) - 1,
            next.timestamp(),
            next.preApplyChecksum(),
            next.walOffset(),
            next.walSize(),
            next.walSalt1(),
            next.walSalt2(),
            next.nodeId());
    long lock = header.lockPgno();
    db.ltx.write(
        "RECOVER",
        header,
        enc -> {
          for (long p : d.pages()) {
            if (p <= count && p != lock) {
              enc.writePage(p, db.files.readPage("RECOVER:DB_READ", p, ps));
            }
          }
        },
        post);
    db.publish(header, post, PositionEvent.Cause.RECOVERY);
    log.info(
        "recorded committed wal transactions that had no ltx file: db={} txid={} pages={}",
        db.name,
        header.maxTxid(),
        d.pages().size());
    return true;
  }

  /** Writes a file's pages into the database; true if that gives its post-apply checksum. */
  private static boolean replay(Db db, LastFile file, java.nio.file.Path path) throws IOException {
    LtxHeader h = file.header();
    LtxApplier.writePages(db, path, "RECOVER", true);
    PageChecksums sums =
        h.isSnapshot() || db.checksums.pageSize() == 0
            ? new PageChecksums(h.pageSize())
            : db.checksums;
    sums.apply(file.pages(), h.commit());
    db.checksums = h.commit() == 0 ? new PageChecksums(0) : sums;
    DatabaseHeader dh = db.readHeader("RECOVER:DB_READ_HEADER");
    db.walMode = dh != null && dh.isWal();
    long post = file.trailer().postApplyChecksum();
    if (db.checksums.value() != post) {
      return false;
    }
    db.restorePos(new Pos(h.maxTxid(), post), h.timestamp());
    return true;
  }

  /**
   * Records the database as it is in a snapshot LTX file at the next TXID and deletes every other
   * LTX file. Used by recovery, by a commit that changed the page size, and for a database found
   * without LTX files. Caller holds {@link Db#mu}; the database file holds the logical content.
   */
  static PositionEvent recordSnapshot(Db db, PositionEvent.Cause cause, String reason)
      throws IOException {
    db.namer.drain();
    DatabaseHeader h = db.readHeader("RECOVER:DB_READ_HEADER");
    int ps = h == null ? 4096 : h.pageSize();
    long fileSize = db.files.size(FileKind.DATABASE, "RECOVER:DB_SIZE");
    long count = h == null ? 0 : Math.min(h.effectivePageCount(fileSize), fileSize / ps);
    long txid = db.pos().txid() + 1;
    LtxHeader header =
        new LtxHeader(
            db.store.ltxFlags(),
            ps,
            count,
            1,
            txid,
            db.store.clock().millis(),
            0,
            0,
            0,
            0,
            0,
            db.store.nodeId());
    long[] sums = new long[(int) Math.max(1, count)];
    long lock = header.lockPgno();
    LtxTrailer trailer =
        db.ltx.write(
            "RECOVER",
            header,
            enc -> {
              for (long p = 1; p <= count; p++) {
                if (p != lock) {
                  enc.writePage(p, db.files.readPage("RECOVER:DB_READ", p, ps));
                  sums[(int) p - 1] = enc.lastPageChecksum();
                }
              }
            },
            null);
    db.ltx.deleteAllExcept("RECOVER:LTX_DELETE", LtxFileName.of(header));
    db.checksums = new PageChecksums(h == null ? 0 : ps, sums, (int) count);
    db.walMode = h != null && h.isWal();
    db.clearDirty();
    log.info("recorded snapshot: db={} txid={} reason={}", db.name, txid, reason);
    return db.publish(header, trailer.postApplyChecksum(), cause);
  }

  /** Drops the database: a deletion LTX file, then its files are removed. */
  static void drop(Db db) throws IOException {
    try (LockGuard guard = db.acquireWriteLock()) {
      dropLocked(db);
    }
  }

  private static void dropLocked(Db db) throws IOException {
    db.mu.lock();
    try {
      Pos pos = db.pos();
      LtxHeader header = null;
      if (pos.txid() > 0 && db.checksums.count() > 0) {
        int ps = db.checksums.pageSize();
        header =
            new LtxHeader(
                db.store.ltxFlags(),
                ps,
                0,
                pos.txid() + 1,
                pos.txid() + 1,
                db.store.clock().millis(),
                pos.postApplyChecksum(),
                0,
                0,
                0,
                0,
                db.store.nodeId());
        db.ltx.write("DROP", header, enc -> {}, null);
      }
      db.endWalGeneration();
      for (FileKind k : FileKind.values()) {
        db.files.delete(k, "DROP:DELETE_" + k);
      }
      db.ops.syncDirectory("DROP:FSYNC_DIR", db.files.dir());
      db.checksums = new PageChecksums(0);
      db.walMode = false;
      db.clearDirty();
      db.store.invalidator().invalidateEntry(db.name);
      if (header != null) {
        db.publish(header, DatabaseChecksum.EMPTY, PositionEvent.Cause.DROP);
      }
    } finally {
      db.mu.unlock();
    }
  }

  /**
   * Copies the recorded WAL frames into the database file and removes the WAL, so the database file
   * alone holds the logical content (before an apply on a replica).
   */
  static void checkpointWal(Db db, String prefix) throws IOException {
    if (db.wal.frames.isEmpty()) {
      return;
    }
    WalRecovery.copyFrames(
        db, db.wal.frames, db.checksums.count(), db.wal.header.pageSize(), prefix);
    db.endWalGeneration();
    // Truncated, not deleted: on a primary (import, halted commit) SQLite connections keep the WAL
    // open and write its header again at offset 0; the reset shm header makes them ignore it.
    java.nio.channels.FileChannel wal = db.files.required(db.name, FileKind.WAL);
    db.ops.truncate(prefix + ":WAL_TRUNCATE", wal, 0);
    db.ops.force(prefix + ":WAL_FSYNC", wal);
  }
}
