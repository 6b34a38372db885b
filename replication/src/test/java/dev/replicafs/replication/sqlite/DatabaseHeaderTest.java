package dev.replicafs.replication.sqlite;

import static dev.replicafs.replication.sqlite.RealSqlite.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Database headers written by real SQLite, and damaged ones. */
class DatabaseHeaderTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {512, 4096, 65536})
  void readsHeadersSqliteWritesAtEveryPageSize(int pageSize) throws Exception {
    Path db = dir.resolve("ps" + pageSize + ".db");
    long pages;
    long counter;
    try (Connection c = RealSqlite.open(db)) {
      exec(c, "PRAGMA page_size=" + pageSize, "CREATE TABLE t(x)");
      for (int i = 0; i < 5; i++) {
        exec(c, "INSERT INTO t VALUES (randomblob(700))");
      }
      pages = RealSqlite.queryLong(c, "PRAGMA page_count");
      counter = 6;
    }
    DatabaseHeader h;
    try (FileChannel ch = FileChannel.open(db)) {
      h = DatabaseHeader.read(PositionalSource.of(ch));
      assertThat(h.effectivePageCount(ch.size())).isEqualTo(pages);
    }
    assertThat(h.pageSize()).isEqualTo(pageSize);
    assertThat(h.pageCount()).isEqualTo(pages);
    assertThat(h.changeCounter()).isEqualTo(counter);
    assertThat(h.versionValidFor()).isEqualTo(counter);
    assertThat(h.pageCountValid()).isTrue();
    assertThat(h.isWal()).isFalse();
    assertThat(h.writeVersion()).isEqualTo(JournalMode.ROLLBACK);
    assertThat(h.reservedSpace()).isZero();
    assertThat(h.sqliteVersion()).isGreaterThan(3_000_000L);
    if (pageSize == 65536) {
      ByteBuffer raw = RealSqlite.readAll(db);
      assertThat(raw.getShort(16)).as("65536 is stored as 1").isEqualTo((short) 1);
    }
  }

  @Test
  void walModeIsSeenInBytes18And19() throws Exception {
    Path db = dir.resolve("wal.db");
    try (Connection c = RealSqlite.open(db)) {
      exec(c, "PRAGMA journal_mode=WAL", "CREATE TABLE t(x)", "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    ByteBuffer raw = RealSqlite.readAll(db);
    assertThat(DatabaseHeader.parse(raw).isWal()).isTrue();
    assertThat(DatabaseHeader.isWal(raw)).isTrue();
    assertThat(DatabaseHeader.parse(raw).readVersion()).isEqualTo(JournalMode.WAL);
    try (Connection c = RealSqlite.open(db)) {
      exec(c, "PRAGMA journal_mode=DELETE");
    }
    assertThat(DatabaseHeader.parse(RealSqlite.readAll(db)).isWal()).isFalse();
  }

  @Test
  void reservedSpaceFromSqliteIsReported() throws Exception {
    Path db = dir.resolve("reserved.db");
    RealSqlite.cli(db, ".filectrl reserve_bytes 32", "CREATE TABLE t(x)");
    assertThat(DatabaseHeader.parse(RealSqlite.readAll(db)).reservedSpace()).isEqualTo(32);
  }

  @Test
  void staleInHeaderPageCountFallsBackToFileSize() throws Exception {
    ByteBuffer b = ByteBuffer.wrap(validHeader(4096, 0));
    b.putInt(92, 1); // version-valid-for != change counter (7)
    DatabaseHeader h = DatabaseHeader.parse(b);
    assertThat(h.pageCountValid()).isFalse();
    assertThat(h.effectivePageCount(5 * 4096)).isEqualTo(5);
  }

  @Test
  void damagedHeadersFailWithTheFieldNamed() {
    assertThatThrownBy(() -> DatabaseHeader.parse(ByteBuffer.allocate(100)))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("magic");
    assertThatThrownBy(() -> DatabaseHeader.parse(ByteBuffer.allocate(10)))
        .hasMessageContaining("need 100 bytes");
    assertThatThrownBy(() -> DatabaseHeader.parse(with(validHeader(4096, 0), 16, 0x03e8)))
        .hasMessageContaining("page size 1000");
    assertThatThrownBy(() -> DatabaseHeader.parse(with(validHeader(4096, 0), 16, 256)))
        .hasMessageContaining("page size 256");
    ByteBuffer reserved = ByteBuffer.wrap(validHeader(512, 0));
    reserved.put(20, (byte) 40);
    assertThatThrownBy(() -> DatabaseHeader.parse(reserved))
        .hasMessageContaining("reserved space 40");
    ByteBuffer format = ByteBuffer.wrap(validHeader(4096, 0));
    format.put(19, (byte) 3);
    assertThatThrownBy(() -> DatabaseHeader.parse(format)).hasMessageContaining("format byte is 3");
    ByteBuffer fractions = ByteBuffer.wrap(validHeader(4096, 0));
    fractions.put(21, (byte) 65);
    assertThatThrownBy(() -> DatabaseHeader.parse(fractions)).hasMessageContaining("21..23");
  }

  @Test
  void litefsInvalidHeaderFixturesAreRejected() throws Exception {
    Path zero =
        SharedFixtures.require(
            "fixtures/ltx/from-litefs-repo/testdata/store/open-invalid-database-header/dbs/test.db/database");
    assertThatThrownBy(() -> DatabaseHeader.parse(RealSqlite.readAll(zero)))
        .hasMessageContaining("magic");
    Path shortDb =
        SharedFixtures.require(
            "fixtures/ltx/from-litefs-repo/testdata/store/open-short-database/dbs/test.db/database");
    assertThatThrownBy(() -> DatabaseHeader.parse(RealSqlite.readAll(shortDb)))
        .hasMessageContaining("file has 10");
  }

  @Test
  void lockPageIsThePageHoldingTheGigabyteByte() {
    assertThat(DatabaseHeader.lockPage(4096)).isEqualTo(262145);
    assertThat(DatabaseHeader.lockPage(65536)).isEqualTo(16385);
    assertThat(DatabaseHeader.lockPage(512)).isEqualTo(2097153);
  }

  private static ByteBuffer with(byte[] header, int offset, int u16) {
    ByteBuffer b = ByteBuffer.wrap(header);
    b.putShort(offset, (short) u16);
    return b;
  }

  /** A minimal valid header: change counter 7, page count 3, valid-for 7. */
  static byte[] validHeader(int pageSize, int reserved) {
    ByteBuffer b = ByteBuffer.allocate(100);
    b.put(DatabaseHeader.MAGIC);
    b.putShort(16, (short) (pageSize == 65536 ? 1 : pageSize));
    b.put(18, (byte) 1).put(19, (byte) 1).put(20, (byte) reserved);
    b.put(21, (byte) 64).put(22, (byte) 32).put(23, (byte) 32);
    b.putInt(24, 7).putInt(28, 3).putInt(92, 7).putInt(96, 3_040_001);
    return b.array();
  }
}
