package dev.replicafs.replication.sqlite;

import static dev.replicafs.replication.sqlite.RealSqlite.exec;
import static dev.replicafs.replication.sqlite.RealSqlite.queryLong;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WALs written by real SQLite: commit boundaries, last page versions, both checksum byte orders,
 * and the frames a rolled-back transaction leaves behind.
 */
class WalReaderSqliteTest {
  @TempDir Path dir;

  private Path db;
  private final List<Long> rowsAfterTx = new ArrayList<>();

  @BeforeEach
  void setUp() {
    db = dir.resolve("app.db");
  }

  /**
   * Writes several transactions in WAL mode without checkpoints and copies the database and WAL
   * while the connection is open; then checkpoints and copies the checkpointed database.
   */
  private void writeWorkload(Path snapshot) throws Exception {
    Files.createDirectories(snapshot);
    try (Connection c = RealSqlite.open(db)) {
      exec(c, "PRAGMA page_size=4096", "PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0");
      exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
      rowsAfterTx.add(0L);
      for (int i = 0; i < 5; i++) {
        exec(c, "INSERT INTO t(v) VALUES (randomblob(3000))");
        rowsAfterTx.add(queryLong(c, "SELECT count(*) FROM t"));
      }
      // A large transaction with a tiny cache: pages spill to the WAL and are written again
      // before the commit, so one transaction holds several versions of some pages.
      exec(c, "PRAGMA cache_size=3", "BEGIN");
      for (int i = 0; i < 60; i++) {
        exec(c, "INSERT INTO t(v) VALUES (randomblob(1500))");
        exec(c, "UPDATE t SET v = randomblob(1500) WHERE id = 1");
      }
      exec(c, "COMMIT", "PRAGMA cache_size=2000");
      rowsAfterTx.add(queryLong(c, "SELECT count(*) FROM t"));
      exec(c, "DELETE FROM t WHERE id > 20");
      rowsAfterTx.add(queryLong(c, "SELECT count(*) FROM t"));
      exec(c, "VACUUM");
      rowsAfterTx.add(queryLong(c, "SELECT count(*) FROM t"));
      Files.copy(db, snapshot.resolve("database"));
      Files.copy(dir.resolve("app.db-wal"), snapshot.resolve("wal"));
      exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      Files.copy(db, snapshot.resolve("checkpointed"));
    }
  }

  @Test
  void realWalYieldsOneTransactionPerCommitWithLastPageVersions() throws Exception {
    Path snap = dir.resolve("snap");
    writeWorkload(snap);
    List<WalTransaction> txs;
    try (FileChannel wal = FileChannel.open(snap.resolve("wal"))) {
      WalReader reader = WalReader.open(PositionalSource.of(wal));
      assertThat(reader.header().bigEndianChecksums()).isFalse();
      txs = reader.readTransactions();
      assertThat(reader.stop()).isEqualTo(WalStop.END_OF_FILE);
      assertThat(txs).hasSize(rowsAfterTx.size());
      assertThat(txs.get(txs.size() - 1).endOffset()).isEqualTo(wal.size());
      for (int i = 1; i < txs.size(); i++) {
        assertThat(txs.get(i).startOffset()).isEqualTo(txs.get(i - 1).endOffset());
      }
      assertLastVersions(wal, reader.header(), txs);
    }
    assertThat(txs.stream().anyMatch(t -> t.frameCount() > t.pages().size()))
        .as("the spilling transaction wrote some page twice")
        .isTrue();

    // Applying transactions 1..k gives a database SQLite reads with the rows after k.
    ByteBuffer wal = RealSqlite.readAll(snap.resolve("wal"));
    for (int k = 0; k < txs.size(); k++) {
      Path image = dir.resolve("after-" + k + ".db");
      Files.copy(snap.resolve("database"), image);
      applyTransactions(wal, 4096, txs.subList(0, k + 1), image);
      assertThat(RealSqlite.cli(image, "PRAGMA integrity_check")).isEqualTo("ok");
      assertThat(RealSqlite.cli(image, "SELECT count(*) FROM t"))
          .isEqualTo(String.valueOf(rowsAfterTx.get(k)));
      if (k == txs.size() - 1) {
        assertThat(Files.readAllBytes(image))
            .as("all transactions applied == SQLite's own checkpoint")
            .isEqualTo(Files.readAllBytes(snap.resolve("checkpointed")));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {512, 65536})
  void smallestAndLargestPageSizesReplayToSqlitesCheckpoint(int pageSize) throws Exception {
    Path snap = dir.resolve("snap" + pageSize);
    Files.createDirectories(snap);
    try (Connection c = RealSqlite.open(db)) {
      exec(c, "PRAGMA page_size=" + pageSize, "PRAGMA journal_mode=WAL");
      exec(c, "PRAGMA wal_autocheckpoint=0", "CREATE TABLE t(x)");
      for (int i = 0; i < 4; i++) {
        exec(c, "INSERT INTO t VALUES (randomblob(" + (pageSize + 300) + "))");
      }
      Files.copy(db, snap.resolve("database"));
      Files.copy(dir.resolve("app.db-wal"), snap.resolve("wal"));
      exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      Files.copy(db, snap.resolve("checkpointed"));
    }
    ByteBuffer wal = RealSqlite.readAll(snap.resolve("wal"));
    WalReader reader = WalReader.open(PositionalSource.of(wal));
    assertThat(reader.header().pageSize()).isEqualTo(pageSize);
    List<WalTransaction> txs = reader.readTransactions();
    assertThat(txs).hasSize(5);
    Path image = dir.resolve("image" + pageSize);
    Files.copy(snap.resolve("database"), image);
    applyTransactions(wal, pageSize, txs, image);
    assertThat(Files.readAllBytes(image))
        .isEqualTo(Files.readAllBytes(snap.resolve("checkpointed")));
    assertThat(DatabaseHeader.parse(RealSqlite.readAll(image)).pageSize()).isEqualTo(pageSize);
  }

  @Test
  void bigEndianChecksumsReadTheSameAndSqliteAcceptsThem() throws Exception {
    Path snap = dir.resolve("snap");
    writeWorkload(snap);
    ByteBuffer little = RealSqlite.readAll(snap.resolve("wal"));
    ByteBuffer big = rechecksum(little, true);
    assertThat(big.getInt(0)).isEqualTo(WalHeader.MAGIC_BE);
    assertThat(big).isNotEqualTo(little);

    List<WalTransaction> fromLittle =
        WalReader.open(PositionalSource.of(little)).readTransactions();
    WalReader bigReader = WalReader.open(PositionalSource.of(big));
    assertThat(bigReader.header().bigEndianChecksums()).isTrue();
    List<WalTransaction> fromBig = bigReader.readTransactions();
    assertThat(fromBig).hasSameSizeAs(fromLittle);
    for (int i = 0; i < fromBig.size(); i++) {
      assertThat(fromBig.get(i).pages()).isEqualTo(fromLittle.get(i).pages());
      assertThat(fromBig.get(i).commitSize()).isEqualTo(fromLittle.get(i).commitSize());
    }
    // Reading big-endian words as little-endian (or back) fails at the first frame.
    ByteBuffer mislabeled = ByteBuffer.allocate(big.capacity()).put(big.duplicate()).flip();
    WalHeader h = WalHeader.parse(big);
    ByteBuffer leHeader =
        WalHeader.create(false, 4096, h.checkpointSeq(), h.salt1(), h.salt2()).encode();
    mislabeled.put(0, leHeader, 0, WalHeader.SIZE);
    WalReader confused = WalReader.open(PositionalSource.of(mislabeled));
    assertThat(confused.readTransactions()).isEmpty();
    assertThat(confused.stop()).isEqualTo(WalStop.CHECKSUM_MISMATCH);

    // SQLite's own recovery accepts the big-endian WAL: every row is there.
    Path other = dir.resolve("be");
    Files.createDirectories(other);
    Files.copy(snap.resolve("database"), other.resolve("x.db"));
    Files.write(other.resolve("x.db-wal"), toArray(big));
    assertThat(RealSqlite.cli(other.resolve("x.db"), "SELECT count(*) FROM t"))
        .isEqualTo(String.valueOf(rowsAfterTx.get(rowsAfterTx.size() - 1)));
  }

  @Test
  void framesOfARolledBackTransactionAreNotATransaction() throws Exception {
    Path wal;
    try (Connection c = RealSqlite.open(db)) {
      exec(c, "PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0");
      exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
      exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
      long committedEnd = Files.size(dir.resolve("app.db-wal"));
      exec(c, "PRAGMA cache_size=3", "BEGIN");
      for (int i = 0; i < 40; i++) {
        exec(c, "INSERT INTO t(v) VALUES (randomblob(2000))");
      }
      long spilled = Files.size(dir.resolve("app.db-wal"));
      assertThat(spilled).as("the cache spilled frames to the WAL").isGreaterThan(committedEnd);
      exec(c, "ROLLBACK");
      wal = dir.resolve("copy-wal");
      Files.copy(dir.resolve("app.db-wal"), wal);
      WalReader reader = WalReader.open(PositionalSource.of(RealSqlite.readAll(wal)));
      List<WalTransaction> txs = reader.readTransactions();
      assertThat(txs).hasSize(2);
      assertThat(reader.offset()).isEqualTo(committedEnd);
      assertThat(reader.checksum()).isEqualTo(txs.get(1).endChecksum());
      assertThat(reader.stop()).isIn(WalStop.END_OF_FILE, WalStop.TRUNCATED_FRAME);

      // The next commit overwrites the spilled frames from the committed end on.
      exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
      try (FileChannel ch = FileChannel.open(dir.resolve("app.db-wal"), StandardOpenOption.READ)) {
        WalReader resumed =
            WalReader.resume(
                PositionalSource.of(ch), reader.header(), reader.offset(), reader.checksum());
        WalTransaction next = resumed.nextTransaction();
        assertThat(next.startOffset()).isEqualTo(committedEnd);
        assertThat(resumed.nextTransaction()).isNull();
        assertThat(resumed.stop()).isIn(WalStop.CHECKSUM_MISMATCH, WalStop.END_OF_FILE);
      }
    }
  }

  private static void assertLastVersions(FileChannel wal, WalHeader h, List<WalTransaction> txs)
      throws IOException {
    WalReader frames = WalReader.open(PositionalSource.of(wal));
    for (WalTransaction tx : txs) {
      Map<Long, Long> last = new HashMap<>();
      WalFrame f;
      do {
        f = frames.nextFrame(null);
        last.put(f.pgno(), f.offset());
      } while (!f.isCommit());
      assertThat(tx.pages()).isEqualTo(last);
      assertThat(tx.frameOffset(tx.frameCount() - 1)).isEqualTo(f.offset());
      assertThat(tx.endOffset()).isEqualTo(f.offset() + h.frameSize());
    }
  }

  /** Writes each transaction's last page versions into {@code image} and truncates to commit. */
  static void applyTransactions(ByteBuffer wal, int pageSize, List<WalTransaction> txs, Path image)
      throws IOException {
    try (FileChannel out = FileChannel.open(image, StandardOpenOption.WRITE)) {
      for (WalTransaction tx : txs) {
        for (Map.Entry<Long, Long> e : tx.pages().entrySet()) {
          ByteBuffer page = wal.slice((int) (e.getValue() + WalFrame.HEADER_SIZE), pageSize);
          long pos = (e.getKey() - 1) * pageSize;
          while (page.hasRemaining()) {
            pos += out.write(page, pos);
          }
        }
        out.truncate(tx.commitSize() * pageSize);
      }
    }
  }

  /**
   * Re-encodes a valid WAL with checksums in the given byte order (what a big-endian host does).
   */
  static ByteBuffer rechecksum(ByteBuffer wal, boolean bigEndian) throws IOException {
    WalHeader h = WalHeader.parse(wal);
    WalHeader nh =
        WalHeader.create(bigEndian, h.pageSize(), h.checkpointSeq(), h.salt1(), h.salt2());
    ByteBuffer out = ByteBuffer.allocate(wal.capacity()).put(wal.duplicate()).flip();
    out.put(0, nh.encode(), 0, WalHeader.SIZE);
    WalChecksum sum = nh.checksum();
    for (long off = WalHeader.SIZE; off + h.frameSize() <= out.capacity(); off += h.frameSize()) {
      int o = (int) off;
      sum = sum.update(bigEndian, out, o, 8).update(bigEndian, out, o + 24, h.pageSize());
      out.putInt(o + 16, sum.s1()).putInt(o + 20, sum.s2());
    }
    return out;
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }
}
