package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxFormatException;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.LtxTrailer;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.sqlite.DatabaseHeader;
import dev.replicafs.replication.store.LtxApplyException.Reason;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;

/**
 * Applies an LTX file received from the primary (labels {@code APPLY:*}):
 *
 * <ol>
 *   <li>Store the bytes in a temporary file, fsync it, and decode it completely: a corrupt file is
 *       refused before anything else happens.
 *   <li>Under the database lock, check that it continues the position (MinTXID = TXID + 1,
 *       PreApplyChecksum = checksum; a snapshot continues any position), that its page size
 *       matches, that a growing file carries every new page, and that its pages give its
 *       PostApplyChecksum, computed from the kept per-page checksums. Any failure: {@link
 *       LtxApplyException}, and nothing changed.
 *   <li>Name the file (rename, fsync directory); a snapshot deletes every other LTX file.
 *   <li>Write its pages into the database, truncate to Commit pages (Commit 0 deletes the database
 *       files), fsync, update checksums and position, rewrite the shm header in WAL mode and tell
 *       the {@link Invalidator}.
 * </ol>
 *
 * Naming the file before touching the database makes a crash during step 4 recoverable: the
 * database then differs from the last LTX only in that file's pages, and {@link DbRecovery} replays
 * it.
 */
final class LtxApplier {
  private LtxApplier() {}

  /** A decoded, verified file waiting to be applied. */
  record Verified(Path tmp, LtxHeader header, LtxTrailer trailer, TreeMap<Long, Long> pages) {}

  static Verified receive(Db db, InputStream in) throws IOException {
    db.ops.createDirectories("APPLY:LTX_MKDIR", db.ltx.dir());
    Path tmp =
        db.ltx
            .dir()
            .resolve(
                "receive-" + Thread.currentThread().getId() + "-" + System.nanoTime() + ".ltx.tmp");
    try {
      try (FileChannel ch =
          db.ops.open(
              "APPLY:LTX_OPEN",
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        LabelledOutputStream out = new LabelledOutputStream(db.ops, "APPLY:LTX_WRITE", ch);
        BufferedOutputStream buf = new BufferedOutputStream(out, 1 << 16);
        in.transferTo(buf);
        buf.flush();
        db.ops.force("APPLY:LTX_FSYNC", ch);
      }
      return verify(db, tmp);
    } catch (IOException | RuntimeException e) {
      db.ops.deleteIfExists("APPLY:LTX_CLEANUP", tmp);
      throw e;
    }
  }

  private static Verified verify(Db db, Path file) throws IOException {
    TreeMap<Long, Long> pages = new TreeMap<>();
    try (InputStream in = open(db, file)) {
      LtxDecoder dec = LtxDecoder.open(in);
      LtxTrailer trailer =
          dec.readAll((pgno, data) -> pages.put(pgno, DatabaseChecksum.page(pgno, data)));
      return new Verified(file, dec.header(), trailer, pages);
    } catch (LtxFormatException e) {
      throw new LtxApplyException(
          Reason.CORRUPT, "corrupt ltx file: db=" + db.name + ": " + e.getMessage(), e);
    }
  }

  static InputStream open(Db db, Path file) throws IOException {
    FileChannel ch = db.ops.open("APPLY:LTX_READ", file, StandardOpenOption.READ);
    return new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
  }

  /** Checks continuity and the post-apply checksum; returns the new checksum table. */
  static PageChecksums check(Db db, Verified v) throws LtxApplyException {
    LtxHeader h = v.header();
    Pos pos = db.pos();
    if (!h.isSnapshot()) {
      if (h.minTxid() != pos.txid() + 1) {
        throw new LtxApplyException(
            Reason.GAP,
            String.format(
                "ltx file %s does not continue db=%s at pos=%s; a snapshot is needed",
                LtxFileName.of(h), db.name, pos));
      }
      if (h.preApplyChecksum() != pos.postApplyChecksum()) {
        throw new LtxApplyException(
            Reason.PRE_APPLY_CHECKSUM_MISMATCH,
            String.format(
                "ltx file %s pre-apply checksum %016x differs from db=%s checksum %016x",
                LtxFileName.of(h), h.preApplyChecksum(), db.name, pos.postApplyChecksum()));
      }
    }
    PageChecksums sums = db.checksums;
    if (h.isSnapshot() || sums.pageSize() == 0) {
      sums = new PageChecksums(h.pageSize());
    } else if (h.commit() > 0 && sums.pageSize() != h.pageSize()) {
      throw new LtxApplyException(
          Reason.PAGE_SIZE_MISMATCH,
          "ltx page size "
              + h.pageSize()
              + " differs from db="
              + db.name
              + " page size "
              + sums.pageSize());
    }
    long lock = DatabaseChecksum.lockPgno(h.pageSize());
    for (long p = sums.count() + 1; p <= h.commit(); p++) {
      if (p != lock && !v.pages().containsKey(p)) {
        throw new LtxApplyException(
            Reason.MISSING_PAGES,
            "ltx file " + LtxFileName.of(h) + " grows db=" + db.name + " but lacks page " + p);
      }
    }
    long post = h.commit() == 0 ? DatabaseChecksum.EMPTY : sums.valueAfter(v.pages(), h.commit());
    if (post != v.trailer().postApplyChecksum()) {
      throw new LtxApplyException(
          Reason.POST_APPLY_CHECKSUM_MISMATCH,
          String.format(
              "applying ltx file %s to db=%s gives checksum %016x, the file says %016x",
              LtxFileName.of(h), db.name, post, v.trailer().postApplyChecksum()));
    }
    return sums;
  }

  /** Applies a checked file. Caller holds {@link Db#mu} (and the lock table's write guard). */
  static PositionEvent apply(Db db, Verified v, PageChecksums sums, PositionEvent.Cause cause)
      throws IOException {
    LtxHeader h = v.header();
    LtxFileName name = LtxFileName.of(h);
    Path pending = db.ltx.pendingPath(name);
    db.ops.move("APPLY:LTX_PENDING_RENAME", v.tmp(), pending);
    db.ops.syncDirectory("APPLY:LTX_FSYNC_DIR", db.ltx.dir());
    try {
      DbRecovery.checkpointWal(db, "APPLY");
      writePages(db, pending, "APPLY");
      db.ltx.installLazily("APPLY", pending, name);
      if (h.isSnapshot()) {
        db.ltx.deleteAllExcept("APPLY:LTX_DELETE", name);
      }
    } catch (IOException | RuntimeException e) {
      db.store.fatal(db.name, "apply failed after it began to change the database", e);
      throw e;
    }
    sums.apply(v.pages(), h.commit());
    db.checksums = sums;
    if (h.commit() == 0) {
      db.walMode = false;
    } else {
      DatabaseHeader dh = db.readHeader("APPLY:DB_READ_HEADER");
      db.walMode = dh != null && dh.isWal();
      if (db.walMode && WalIndexHeader.reset(db, h.pageSize(), h.commit())) {
        db.store.invalidator().invalidateShm(db.name);
      }
    }
    db.clearDirty();
    return db.publish(h, v.trailer().postApplyChecksum(), cause);
  }

  /**
   * Writes a named file's pages into the database and truncates it to Commit pages (deletes the
   * database files for Commit 0), then fsyncs. Used by apply and by recovery's replay.
   */
  static void writePages(Db db, Path file, String prefix) throws IOException {
    Invalidator inv = db.store.invalidator();
    try (InputStream in = open(db, file)) {
      LtxDecoder dec = LtxDecoder.open(in);
      LtxHeader h = dec.header();
      int ps = h.pageSize();
      if (h.commit() == 0) {
        dec.verify();
        for (FileKind k : FileKind.values()) {
          db.files.delete(k, prefix + ":DELETE_" + k);
        }
        db.ops.syncDirectory(prefix + ":FSYNC_DIR", db.files.dir());
        inv.invalidateEntry(db.name);
        return;
      }
      FileChannel ch = db.files.create(FileKind.DATABASE, prefix + ":OPEN_DATABASE");
      byte[] page = new byte[ps];
      long pgno;
      while ((pgno = dec.nextPage(page)) != 0) {
        for (SnapshotCapture c : db.captures) {
          c.beforeDatabaseWrite(db, pgno, pgno);
        }
        db.ops.write(prefix + ":DB_WRITE", ch, ByteBuffer.wrap(page, 0, ps), (pgno - 1) * ps);
        inv.invalidateDatabase(db.name, (pgno - 1) * ps, ps);
      }
      long size = h.commit() * ps;
      long old = db.ops.size(prefix + ":DB_SIZE", ch);
      if (old != size) {
        for (SnapshotCapture c : db.captures) {
          c.beforeDatabaseTruncate(db, h.commit());
        }
        db.ops.truncate(prefix + ":DB_TRUNCATE", ch, size);
        inv.invalidateDatabase(db.name, Math.min(old, size), Math.abs(old - size));
      }
      db.ops.force(prefix + ":DB_FSYNC", ch);
    }
  }
}
