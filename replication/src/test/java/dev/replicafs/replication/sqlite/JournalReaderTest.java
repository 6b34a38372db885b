package dev.replicafs.replication.sqlite;

import static dev.replicafs.replication.sqlite.RealSqlite.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rollback journals captured from real SQLite in the middle of a write transaction whose cache
 * spilled (so the journal is synced and the database file already holds new pages).
 */
class JournalReaderTest {
  private static final int PAGE_SIZE = 4096;

  @TempDir Path dir;

  /** The files as they were before the transaction and in the middle of it. */
  private record Capture(Path before, Path midDb, Path midJournal, long initialPages) {}

  private Capture captureMidTransaction(String mode) throws Exception {
    Path db = dir.resolve("app.db");
    Capture cap =
        new Capture(dir.resolve("before.db"), dir.resolve("mid.db"), dir.resolve("mid.journal"), 0);
    try (Connection c = RealSqlite.open(db)) {
      exec(c, "PRAGMA page_size=" + PAGE_SIZE, "PRAGMA journal_mode=" + mode);
      exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
      for (int i = 0; i < 30; i++) {
        exec(c, "INSERT INTO t(v) VALUES (randomblob(3000))");
      }
      long pages = RealSqlite.queryLong(c, "PRAGMA page_count");
      Files.copy(db, cap.before());
      exec(c, "PRAGMA cache_size=5", "BEGIN");
      exec(c, "UPDATE t SET v = randomblob(3000)");
      for (int i = 0; i < 30; i++) {
        exec(c, "INSERT INTO t(v) VALUES (randomblob(3000))");
      }
      Files.copy(db, cap.midDb());
      Files.copy(dir.resolve("app.db-journal"), cap.midJournal());
      exec(c, "ROLLBACK");
      return new Capture(cap.before(), cap.midDb(), cap.midJournal(), pages);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"DELETE", "TRUNCATE", "PERSIST"})
  void midTransactionJournalRollsBackToTheFileBeforeTheTransaction(String mode) throws Exception {
    Capture cap = captureMidTransaction(mode);
    assertThat(Files.readAllBytes(cap.midDb()))
        .as("the cache spilled new pages into the database file")
        .isNotEqualTo(Files.readAllBytes(cap.before()));
    List<JournalRecord> records = new ArrayList<>();
    try (FileChannel j = FileChannel.open(cap.midJournal());
        FileChannel out = FileChannel.open(cap.midDb(), StandardOpenOption.WRITE)) {
      JournalReader reader = JournalReader.open(PositionalSource.of(j), j.size());
      JournalHeader h = reader.header();
      assertThat(h.pageSize()).isEqualTo(PAGE_SIZE);
      assertThat(h.initialPageCount()).isEqualTo(cap.initialPages());
      assertThat(h.sectorSize()).isBetween(512, 65536);
      ByteBuffer page = ByteBuffer.allocate(PAGE_SIZE);
      JournalRecord r;
      while ((r = reader.next(page.clear())) != null) {
        records.add(r);
        page.flip();
        long pos = (r.pgno() - 1) * PAGE_SIZE;
        while (page.hasRemaining()) {
          pos += out.write(page, pos);
        }
      }
      assertThat(reader.stop()).isIn(JournalStop.END_OF_JOURNAL, JournalStop.TRUNCATED_RECORD);
      out.truncate(h.initialPageCount() * PAGE_SIZE);
    }
    assertThat(records).extracting(JournalRecord::pgno).contains(1L);
    assertThat(records.size()).isGreaterThan(5);
    byte[] ours = Files.readAllBytes(cap.midDb());
    assertThat(ours).isEqualTo(Files.readAllBytes(cap.before()));

    // SQLite rolls back the same hot journal to the same bytes.
    Path hot = dir.resolve("hot");
    Files.createDirectories(hot);
    Files.copy(cap.midJournal(), hot.resolve("x.db-journal"));
    Files.copy(dir.resolve("mid.db"), hot.resolve("x.db"));
    assertThat(RealSqlite.cli(hot.resolve("x.db"), "SELECT count(*) FROM t")).isEqualTo("30");
    assertThat(Files.readAllBytes(hot.resolve("x.db"))).isEqualTo(ours);
  }

  @Test
  void committedPersistentJournalHasNoMagic() throws Exception {
    Path db = dir.resolve("p.db");
    try (Connection c = RealSqlite.open(db)) {
      exec(c, "PRAGMA journal_mode=PERSIST", "CREATE TABLE t(x)", "INSERT INTO t VALUES (1)");
    }
    ByteBuffer journal = RealSqlite.readAll(dir.resolve("p.db-journal"));
    assertThat(journal.capacity()).isGreaterThan(0);
    assertThat(JournalHeader.hasMagic(journal)).isFalse();
    try (FileChannel j = FileChannel.open(dir.resolve("p.db-journal"))) {
      assertThatThrownBy(() -> JournalReader.open(PositionalSource.of(j), j.size()))
          .isInstanceOf(SqliteFormatException.class)
          .hasMessageContaining("no magic");
    }
  }

  @Test
  void playbackStopsWhereSqliteStops() throws Exception {
    Capture cap = captureMidTransaction("DELETE");
    ByteBuffer journal = RealSqlite.readAll(cap.midJournal());
    List<JournalRecord> all = readAll(journal);
    assertThat(all.size()).isGreaterThan(3);
    JournalRecord third = all.get(2);

    ByteBuffer torn = copy(journal);
    int checkedByte = (int) third.pageOffset() + PAGE_SIZE - 200;
    torn.put(checkedByte, (byte) (torn.get(checkedByte) + 1));
    assertStopsAt(torn, 2, JournalStop.CHECKSUM_MISMATCH);

    ByteBuffer zeroPage = copy(journal);
    zeroPage.putInt((int) third.offset(), 0);
    assertStopsAt(zeroPage, 2, JournalStop.INVALID_PAGE_NUMBER);

    ByteBuffer lockPage = copy(journal);
    lockPage.putInt((int) third.offset(), (int) DatabaseHeader.lockPage(PAGE_SIZE));
    assertStopsAt(lockPage, 2, JournalStop.INVALID_PAGE_NUMBER);

    assertStopsAt(journal.slice(0, (int) third.offset() + 100), 2, JournalStop.TRUNCATED_RECORD);
  }

  @Test
  void superJournalNameAtTheEndIsReportedAndRecordsAreUnchanged() throws Exception {
    Capture cap = captureMidTransaction("DELETE");
    ByteBuffer journal = RealSqlite.readAll(cap.midJournal());
    assertThat(JournalReader.open(PositionalSource.of(journal), journal.capacity()).superJournal())
        .isEmpty();
    int recordsBefore = readAll(journal).size();

    byte[] name = "/mnt/app.db-mj1A2B3C4D".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int sum = 0;
    for (byte b : name) {
      sum += b;
    }
    ByteBuffer withSuper = ByteBuffer.allocate(journal.capacity() + 20 + name.length);
    withSuper.put(journal.duplicate().clear());
    withSuper.putInt((int) DatabaseHeader.lockPage(PAGE_SIZE)).put(name).putInt(name.length);
    withSuper.putInt(sum).put(new JournalHeader(0, 0, 1, 512, 512).encode().limit(8));
    withSuper.flip();
    JournalReader reader = JournalReader.open(PositionalSource.of(withSuper), withSuper.capacity());
    assertThat(reader.superJournal()).contains("/mnt/app.db-mj1A2B3C4D");
    assertThat(readAll(withSuper)).hasSize(recordsBefore);

    withSuper.putInt(withSuper.capacity() - 12, sum + 1);
    assertThat(
            JournalReader.open(PositionalSource.of(withSuper), withSuper.capacity()).superJournal())
        .as("bad checksum: no super-journal")
        .isEmpty();
  }

  @Test
  void headerEncodingRoundTripsAndRejectsBadSizes() throws Exception {
    JournalHeader h = new JournalHeader(3, 0x1234, 9, 512, 1024);
    assertThat(JournalHeader.parse(h.encode())).isEqualTo(h);
    ByteBuffer badSector = h.encode();
    badSector.putInt(20, 100);
    assertThatThrownBy(() -> JournalHeader.parse(badSector))
        .hasMessageContaining("sector size 100");
    ByteBuffer badPage = h.encode();
    badPage.putInt(24, 3000);
    assertThatThrownBy(() -> JournalHeader.parse(badPage)).hasMessageContaining("page size 3000");
  }

  @Test
  void unknownRecordCountMeansEveryRecordThatFits() throws Exception {
    JournalHeader h = new JournalHeader(JournalHeader.RECORDS_TO_END_OF_FILE, 77, 2, 512, 512);
    ByteBuffer j = ByteBuffer.allocate(512 + 2 * h.recordSize() + 100);
    j.put(h.encode());
    for (int i = 0; i < 2; i++) {
      int at = 512 + i * h.recordSize();
      j.putInt(at, i + 1);
      j.put(at + 4 + 312, (byte) (i + 5));
      j.putInt(at + 4 + 512, h.recordChecksum(j, at + 4));
    }
    List<JournalRecord> records = readAll(j.clear());
    assertThat(records).extracting(JournalRecord::pgno).containsExactly(1L, 2L);
  }

  private static void assertStopsAt(ByteBuffer journal, int count, JournalStop why)
      throws IOException {
    JournalReader reader = JournalReader.open(PositionalSource.of(journal), journal.capacity());
    int n = 0;
    while (reader.next(null) != null) {
      n++;
    }
    assertThat(n).isEqualTo(count);
    assertThat(reader.stop()).isEqualTo(why);
  }

  private static List<JournalRecord> readAll(ByteBuffer journal) throws IOException {
    JournalReader reader = JournalReader.open(PositionalSource.of(journal), journal.capacity());
    List<JournalRecord> out = new ArrayList<>();
    JournalRecord r;
    while ((r = reader.next(null)) != null) {
      out.add(r);
    }
    return out;
  }

  private static ByteBuffer copy(ByteBuffer b) {
    return ByteBuffer.allocate(b.capacity()).put(b.duplicate().clear()).flip();
  }
}
