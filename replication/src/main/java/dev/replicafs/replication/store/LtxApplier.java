package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxFormatException;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.LtxTrailer;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.LtxApplyException.Reason;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;

/**
 * The per-file steps of applying an LTX file received from the primary (labels {@code APPLY:*});
 * {@link LtxGroupApplier} runs them for a group of files (docs/ARCHITECTURE.md, "Apply"):
 *
 * <ol>
 *   <li>{@link #receive}: spool the bytes into a temporary file (no fsync) while decoding them: a
 *       corrupt file is refused before anything else happens. A snapshot's pages go straight into a
 *       temporary database ({@link SnapshotImage}).
 *   <li>{@link #check}: under the database lock, check that it continues a position (MinTXID = TXID
 *       + 1, PreApplyChecksum = checksum; a snapshot continues any position), that its page size
 *       matches, that a growing file carries every new page, and that its pages give its
 *       PostApplyChecksum, computed from the kept per-page checksums. Any failure: {@link
 *       LtxApplyException}, and nothing changed.
 *   <li>{@link #writePages}: write its pages into the database and truncate to Commit pages (Commit
 *       0 deletes the database files).
 * </ol>
 */
final class LtxApplier {
  private LtxApplier() {}

  /**
   * A decoded, verified file waiting to be applied.
   *
   * @param size the file's length in bytes
   * @param pages page number to page checksum
   * @param kept for a file of at most {@link #KEEP_BYTES} of pages, its pages as decoded (written
   *     from memory at apply instead of read back from the file); else null
   * @param image for a snapshot received into a temporary database, that database; else null
   */
  record Verified(
      Path tmp,
      long size,
      LtxHeader header,
      LtxTrailer trailer,
      TreeMap<Long, Long> pages,
      TreeMap<Long, byte[]> kept,
      SnapshotImage image) {}

  /** The most page bytes of a file kept in memory between receive and apply. */
  static final int KEEP_BYTES = 128 * 1024;

  /** Spools and decodes one file; nothing but the returned temporary files changes. */
  static Verified receive(Db db, InputStream in) throws IOException {
    Path tmp =
        db.ltx
            .dir()
            .resolve(
                "receive-" + Thread.currentThread().getId() + "-" + System.nanoTime() + ".ltx.tmp");
    SnapshotImage image = null;
    try {
      LtxFiles.Spool spool = db.ltx.openSpool("APPLY", tmp);
      try (FileChannel ch = spool.channel()) {
        ConcurrentSync.Writeback writeback =
            db.store.concurrentSync().writeback("APPLY:LTX_WRITEBACK", ch);
        LabelledOutputStream file =
            new LabelledOutputStream(db.ops, "APPLY:LTX_WRITE", ch).writeback(writeback);
        TeeInputStream tee = new TeeInputStream(in, file);
        LtxDecoder dec;
        TreeMap<Long, Long> pages = new TreeMap<>();
        TreeMap<Long, byte[]> kept = null;
        LtxTrailer trailer;
        try {
          dec = LtxDecoder.open(new BufferedInputStream(tee, 1 << 13));
          if (SnapshotImage.wanted(db, dec.header())) {
            image = SnapshotImage.receive(db, dec);
            trailer = dec.trailer();
          } else {
            TreeMap<Long, byte[]> keep = new TreeMap<>();
            int ps = dec.header().pageSize();
            trailer =
                dec.readAll(
                    (pgno, data) -> {
                      pages.put(pgno, dec.lastPageChecksum());
                      if ((long) pages.size() * ps <= KEEP_BYTES) {
                        keep.put(pgno, data.clone());
                      } else {
                        keep.clear();
                      }
                    });
            kept = (long) pages.size() * ps <= KEEP_BYTES ? keep : null;
          }
        } catch (LtxFormatException e) {
          throw new LtxApplyException(
              Reason.CORRUPT, "corrupt ltx file: db=" + db.name + ": " + e.getMessage(), e);
        }
        tee.transferTo(OutputStream.nullOutputStream());
        tee.flush();
        if (spool.reused()) {
          db.ltx.cutReused("APPLY", ch, file.position());
        }
        writeback.finish();
        return new Verified(tmp, file.position(), dec.header(), trailer, pages, kept, image);
      }
    } catch (IOException | RuntimeException e) {
      db.ops.deleteIfExists("APPLY:LTX_CLEANUP", tmp);
      if (image != null) {
        image.discard(db);
      }
      throw e;
    }
  }

  /**
   * Copies every byte read from {@code in} to {@code file}: straight through for the first 64 KiB
   * (a transaction's file is written in a write or two, with no buffer to allocate), through a 64
   * KiB buffer after that (a snapshot).
   */
  private static final class TeeInputStream extends FilterInputStream {
    private static final int DIRECT = 1 << 16;
    private OutputStream copy;
    private long copied;

    TeeInputStream(InputStream in, OutputStream file) {
      super(in);
      this.copy = file;
    }

    private void copy(byte[] b, int off, int n) throws IOException {
      if (copied >= DIRECT && !(copy instanceof BufferedOutputStream)) {
        copy = new BufferedOutputStream(copy, DIRECT);
      }
      copy.write(b, off, n);
      copied += n;
    }

    void flush() throws IOException {
      copy.flush();
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        copy(new byte[] {(byte) b}, 0, 1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        copy(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[(int) Math.min(n, 8192)];
      int r = read(buf, 0, buf.length);
      return Math.max(0, r);
    }
  }

  static InputStream open(Db db, Path file) throws IOException {
    FileChannel ch = db.ops.open("APPLY:LTX_READ", file, StandardOpenOption.READ);
    int buffer = (int) Math.max(1 << 12, Math.min(1 << 16, ch.size()));
    return new BufferedInputStream(Channels.newInputStream(ch), buffer);
  }

  /**
   * Checks that {@code v} continues {@code pos} whose page checksums are {@code current} (not
   * changed) and that it gives its post-apply checksum; returns the table to apply it to: {@code
   * current}, or a new one for a snapshot or an empty database.
   */
  static PageChecksums check(Db db, Verified v, Pos pos, PageChecksums current)
      throws LtxApplyException {
    LtxHeader h = v.header();
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
    PageChecksums sums = current;
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
    for (long p = sums.count() + 1; v.image() == null && p <= h.commit(); p++) {
      if (p != lock && !v.pages().containsKey(p)) {
        throw new LtxApplyException(
            Reason.MISSING_PAGES,
            "ltx file " + LtxFileName.of(h) + " grows db=" + db.name + " but lacks page " + p);
      }
    }
    long post;
    if (h.commit() == 0) {
      post = DatabaseChecksum.EMPTY;
    } else if (v.image() != null) {
      post = v.image().checksums().value();
    } else {
      post = sums.valueAfter(v.pages(), h.commit());
    }
    if (post != v.trailer().postApplyChecksum()) {
      throw new LtxApplyException(
          Reason.POST_APPLY_CHECKSUM_MISMATCH,
          String.format(
              "applying ltx file %s to db=%s gives checksum %016x, the file says %016x",
              LtxFileName.of(h), db.name, post, v.trailer().postApplyChecksum()));
    }
    return sums;
  }

  /**
   * Writes a named file's pages into the database and truncates it to Commit pages (deletes the
   * database files for Commit 0), then fsyncs unless {@code fsync} is false (a group fsyncs once
   * after its last file). Used by apply and by recovery's replay.
   */
  static void writePages(Db db, Path file, String prefix, boolean fsync) throws IOException {
    try (InputStream in = open(db, file)) {
      LtxDecoder dec = LtxDecoder.open(in);
      LtxHeader h = dec.header();
      if (h.commit() == 0) {
        dec.verify();
        deleteDatabase(db, prefix);
        return;
      }
      writePages(db, h, dec::nextPage, prefix, fsync);
    }
  }

  /**
   * Like {@link #writePages(Db, Path, String, boolean)} for a received file: from the pages kept in
   * memory when it has them, else from {@code file} (its pending file).
   */
  static void writePages(Db db, Verified v, Path file, String prefix, boolean fsync)
      throws IOException {
    if (v.kept() == null || v.header().commit() == 0) {
      writePages(db, file, prefix, fsync);
      return;
    }
    java.util.Iterator<java.util.Map.Entry<Long, byte[]>> it = v.kept().entrySet().iterator();
    writePages(
        db,
        v.header(),
        page -> {
          if (!it.hasNext()) {
            return 0;
          }
          java.util.Map.Entry<Long, byte[]> e = it.next();
          System.arraycopy(e.getValue(), 0, page, 0, page.length);
          return e.getKey();
        },
        prefix,
        fsync);
  }

  /** Gives the next page (ascending page numbers) into the buffer and its number, 0 at the end. */
  @FunctionalInterface
  private interface PageSource {
    long next(byte[] page) throws IOException;
  }

  private static void deleteDatabase(Db db, String prefix) throws IOException {
    for (FileKind k : FileKind.values()) {
      db.files.delete(k, prefix + ":DELETE_" + k);
    }
    db.ops.syncDirectory(prefix + ":FSYNC_DIR", db.files.dir());
    db.store.invalidator().invalidateEntry(db.name);
  }

  private static void writePages(Db db, LtxHeader h, PageSource pages, String prefix, boolean fsync)
      throws IOException {
    Invalidator inv = db.store.invalidator();
    int ps = h.pageSize();
    FileChannel ch = db.files.create(FileKind.DATABASE, prefix + ":OPEN_DATABASE");
    byte[] page = new byte[ps];
    long pgno;
    while ((pgno = pages.next(page)) != 0) {
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
    if (fsync) {
      db.ops.force(prefix + ":DB_FSYNC", ch);
    }
  }
}
