package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A received snapshot's pages, written while it is decoded into {@code
 * dbs/<name>/database.snapshot.tmp}, with their checksums (labels {@code APPLY:SNAPSHOT_*}).
 * Applying it renames that file over the database instead of writing the pages a second time
 * (docs/ARCHITECTURE.md, "Applying a snapshot"). Recovery deletes the file if a crash leaves it (it
 * ends in {@code .tmp}).
 */
final class SnapshotImage {
  static final String FILE_NAME = "database.snapshot.tmp";
  private static final int BATCH = 1 << 20;

  private final Path path;
  private final PageChecksums checksums;

  private SnapshotImage(Path path, PageChecksums checksums) {
    this.path = path;
    this.checksums = checksums;
  }

  Path path() {
    return path;
  }

  /** The page checksums of the received database (its value is the post-apply checksum). */
  PageChecksums checksums() {
    return checksums;
  }

  /** Whether a file with this header is received as an image (a snapshot with pages). */
  static boolean wanted(Db db, LtxHeader h) {
    return h.isSnapshot() && h.commit() > 0;
  }

  /**
   * Reads every page of {@code dec} (positioned after the header) into the temporary database,
   * batching contiguous pages into 1 MiB writes, and verifies the file. The decoder's strict mode
   * has already refused a snapshot that is not dense.
   */
  static SnapshotImage receive(Db db, LtxDecoder dec) throws IOException {
    LtxHeader h = dec.header();
    int ps = h.pageSize();
    if (h.commit() > Integer.MAX_VALUE - 8) {
      throw new LtxApplyException(
          LtxApplyException.Reason.CORRUPT,
          "snapshot of db=" + db.name + " claims " + h.commit() + " pages");
    }
    Path path = db.files.dir().resolve(FILE_NAME);
    long[] sums = new long[(int) Math.max(1, h.commit())];
    try (FileChannel ch =
        db.ops.open(
            "APPLY:SNAPSHOT_OPEN",
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ConcurrentSync.Writeback writeback =
          db.store.concurrentSync().writeback("APPLY:SNAPSHOT_WRITEBACK", ch);
      ByteBuffer batch = ByteBuffer.allocate(Math.max(BATCH, ps));
      long batchStart = -1;
      long next = -1;
      byte[] page = new byte[ps];
      long pgno;
      while ((pgno = dec.nextPage(page)) != 0) {
        if (pgno > h.commit()) {
          throw new LtxApplyException(
              LtxApplyException.Reason.CORRUPT,
              "snapshot of db=" + db.name + " has page " + pgno + " past its commit " + h.commit());
        }
        if (pgno != next || batch.remaining() < ps) {
          writeback.wrote(flush(db, ch, batch, batchStart, ps));
          batchStart = pgno;
        }
        batch.put(page, 0, ps);
        next = pgno + 1;
        sums[(int) pgno - 1] = dec.lastPageChecksum();
      }
      flush(db, ch, batch, batchStart, ps);
      writeback.finish();
      long size = h.commit() * ps;
      if (db.ops.size("APPLY:SNAPSHOT_SIZE", ch) > size) {
        db.ops.truncate("APPLY:SNAPSHOT_TRUNCATE", ch, size);
      }
    } catch (IOException | RuntimeException e) {
      db.ops.deleteIfExists("APPLY:SNAPSHOT_CLEANUP", path);
      throw e;
    }
    long lock = DatabaseChecksum.lockPgno(ps);
    if (lock <= h.commit()) {
      sums[(int) lock - 1] = 0;
    }
    return new SnapshotImage(path, new PageChecksums(ps, sums, (int) h.commit()));
  }

  /** Writes the batch at page {@code start}; returns the bytes written. */
  private static int flush(Db db, FileChannel ch, ByteBuffer batch, long start, int ps)
      throws IOException {
    if (batch.position() == 0) {
      return 0;
    }
    batch.flip();
    int n = db.ops.write("APPLY:SNAPSHOT_WRITE", ch, batch, (start - 1) * ps);
    batch.clear();
    return n;
  }

  /** fsyncs the temporary database ({@code APPLY:SNAPSHOT_FSYNC}). */
  void force(Db db) throws IOException {
    try (FileChannel ch = db.ops.open("APPLY:SNAPSHOT_OPEN", path, StandardOpenOption.WRITE)) {
      db.ops.force("APPLY:SNAPSHOT_FSYNC", ch);
    }
  }

  /** Moves the temporary database into {@code target}'s directory. */
  SnapshotImage moveTo(Db target) throws IOException {
    Path to = target.files.dir().resolve(FILE_NAME);
    target.ops.move("APPLY:SNAPSHOT_MOVE", path, to);
    return new SnapshotImage(to, checksums);
  }

  /** Deletes the temporary database (it was not applied). */
  void discard(Db db) throws IOException {
    db.ops.deleteIfExists("APPLY:SNAPSHOT_CLEANUP", path);
  }
}
