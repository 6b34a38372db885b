package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.StoreTesting.checksumFromScratch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.DatabaseChecksum;
import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.sqlite.JournalHeader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A database that grows past 1 GiB through the seam (real SQLite transactions mirrored page by
 * page): the lock page (the page holding byte 0x40000000) never appears in an LTX file or a
 * snapshot and never counts in a checksum, and the chain still replays to identical bytes that
 * SQLite's integrity check accepts. Long tier: it writes several GB.
 */
@Tag("long")
class LargeDatabaseTest {
  private static final long TARGET_BYTES = (1L << 30) + (96L << 20);

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(ints = {4096, 65536})
  void databaseLargerThanOneGibKeepsTheLockPageOut(int pageSize) throws Exception {
    Path real = tmp.resolve("real.db");
    long lock = DatabaseChecksum.lockPgno(pageSize);
    try (Store primary = StoreTesting.open(tmp.resolve("primary"), true);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + real)) {
      exec(c, "PRAGMA page_size=" + pageSize, "PRAGMA journal_mode=DELETE");
      exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
      Db db = primary.create("big.db");
      long[] hashes = new long[0];
      hashes = mirror(real, db, hashes, pageSize);
      int batch = 30_000;
      while (Files.size(real) < TARGET_BYTES) {
        exec(
            c,
            "INSERT INTO t(v) WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE"
                + " x < "
                + batch
                + ") SELECT randomblob(64) || zeroblob(3800) FROM n");
        hashes = mirror(real, db, hashes, pageSize);
      }
      // Touch rows stored around the lock page, then shrink a little.
      long rows = queryLong(c, "SELECT max(id) FROM t");
      exec(
          c,
          "UPDATE t SET v = randomblob(3000) WHERE id BETWEEN "
              + (rows * 9 / 10 - 50)
              + " AND "
              + (rows * 9 / 10 + 50));
      hashes = mirror(real, db, hashes, pageSize);
      exec(c, "DELETE FROM t WHERE id > " + (rows - 2000));
      hashes = mirror(real, db, hashes, pageSize);

      assertThat(db.pageCount()).isGreaterThan(lock);
      Pos pos = db.pos();
      assertThat(pos.postApplyChecksum()).isEqualTo(checksumFromScratch(real));
      assertThat(sameBytes(real, db.path(FileKind.DATABASE))).isTrue();
      for (LtxFileName n : db.ltxFiles()) {
        assertThat(pages(db.ltxPath(n))).as("lock page in %s", n).doesNotContain(lock);
      }

      try (OutputStream checking = new LockPageFreeSnapshotCheck(lock, pos)) {
        LtxHeader h = db.writeSnapshot(checking);
        assertThat(h.commit()).isEqualTo(db.pageCount());
      }

      try (Store replica = StoreTesting.open(tmp.resolve("replica"), false)) {
        Db copy = replica.create("big.db");
        StoreTesting.applyAll(db, copy);
        assertThat(copy.pos()).isEqualTo(pos);
        assertThat(sameBytes(real, copy.path(FileKind.DATABASE))).isTrue();
        try (Connection rc =
                DriverManager.getConnection("jdbc:sqlite:" + copy.path(FileKind.DATABASE));
            Statement s = rc.createStatement();
            ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
          r.next();
          assertThat(r.getString(1)).isEqualTo("ok");
        }
      }
    }
    try (Store reopened = StoreTesting.open(tmp.resolve("primary"), true)) {
      Db db = reopened.db("big.db").orElseThrow();
      assertThat(db.pos().postApplyChecksum()).isEqualTo(checksumFromScratch(real));
      assertThat(db.ltxFiles().get(db.ltxFiles().size() - 1).maxTxid()).isEqualTo(db.pos().txid());
    }
  }

  /** Mirrors the pages SQLite changed since the last call as one rollback-journal transaction. */
  private static long[] mirror(Path real, Db db, long[] old, int ps) throws IOException {
    long lock = DatabaseChecksum.lockPgno(ps);
    long size = Files.size(real);
    int count = (int) (size / ps);
    long[] now = new long[count];
    List<Long> changed = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(ps);
      CRC32C crc = new CRC32C();
      for (int i = 0; i < count; i++) {
        buf.clear();
        ch.read(buf, (long) i * ps);
        crc.reset();
        crc.update(buf.array(), 0, ps);
        now[i] = crc.getValue() | 1L << 40;
        if (i + 1 != lock && (i >= old.length || old[i] != now[i])) {
          changed.add(i + 1L);
        }
      }
      if (changed.isEmpty() && count == old.length) {
        return now;
      }
      db.create(FileKind.JOURNAL);
      ByteBuffer header = ByteBuffer.allocate(512);
      header.put(new JournalHeader(0, 1, old.length, 512, ps).encode());
      db.write(FileKind.JOURNAL, header.clear(), 0);
      for (long p : changed) {
        buf.clear();
        ch.read(buf, (p - 1) * ps);
        db.write(FileKind.DATABASE, buf.flip(), (p - 1) * ps);
      }
      if (count < old.length) {
        db.truncate(FileKind.DATABASE, (long) count * ps);
      }
      db.remove(FileKind.JOURNAL);
    }
    return now;
  }

  private static List<Long> pages(Path ltx) throws IOException {
    List<Long> out = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(ltx), 1 << 16)) {
      LtxDecoder dec = LtxDecoder.open(in);
      dec.readAll((pgno, data) -> out.add(pgno));
    }
    return out;
  }

  private static boolean sameBytes(Path a, Path b) throws IOException {
    if (Files.size(a) != Files.size(b)) {
      return false;
    }
    try (FileChannel ca = FileChannel.open(a);
        FileChannel cb = FileChannel.open(b)) {
      ByteBuffer ba = ByteBuffer.allocate(1 << 20);
      ByteBuffer bb = ByteBuffer.allocate(1 << 20);
      for (long off = 0; off < ca.size(); off += ba.capacity()) {
        ba.clear();
        bb.clear();
        ca.read(ba, off);
        cb.read(bb, off);
        if (!Arrays.equals(ba.array(), 0, ba.position(), bb.array(), 0, bb.position())) {
          return false;
        }
      }
    }
    return true;
  }

  private static void exec(Connection c, String... sql) throws Exception {
    try (Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  private static long queryLong(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Decodes a snapshot as it streams, checking the lock page is absent and the checksum. */
  private static final class LockPageFreeSnapshotCheck extends OutputStream {
    private final java.io.PipedOutputStream pipe = new java.io.PipedOutputStream();
    private final Thread reader;
    private final Throwable[] failure = new Throwable[1];

    LockPageFreeSnapshotCheck(long lock, Pos pos) throws IOException {
      java.io.PipedInputStream in = new java.io.PipedInputStream(pipe, 1 << 20);
      reader =
          new Thread(
              () -> {
                try {
                  LtxDecoder dec = LtxDecoder.open(new BufferedInputStream(in, 1 << 16));
                  long[] seen = {0};
                  var trailer =
                      dec.readAll(
                          (pgno, data) -> {
                            assertThat(pgno).isNotEqualTo(lock);
                            seen[0]++;
                          });
                  assertThat(trailer.postApplyChecksum()).isEqualTo(pos.postApplyChecksum());
                  assertThat(seen[0]).isEqualTo(dec.header().commit() - 1);
                } catch (Throwable t) {
                  failure[0] = t;
                }
              },
              "snapshot-check");
      reader.start();
    }

    @Override
    public void write(int b) throws IOException {
      pipe.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      pipe.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      pipe.close();
      try {
        reader.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      if (failure[0] != null) {
        throw new AssertionError("snapshot check failed", failure[0]);
      }
    }
  }
}
