package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxDecoder;
import dev.replicafs.replication.ltx.LtxHeader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A database that grows past 1 GiB through the mount keeps working: the page holding byte {@code
 * 0x40000000} (SQLite's lock page) is never written by SQLite, never in an LTX file, and the LTX
 * chain still replays to a byte-identical database. Long tier: it writes about 1.1 GiB through FUSE
 * and as many bytes of LTX files, then replays them.
 */
@Tag("long")
class LargeDatabaseMountTest {
  private static final long LOCK_BYTE = 0x40000000L;
  private static final int PAGE_SIZE = 4096;
  private static final int BLOB = 1 << 20;
  private static final int ROWS_PER_TX = 64;
  private static final int ROWS = 18 * ROWS_PER_TX; // 1,152 MiB of blobs

  @TempDir Path tmp;

  @BeforeEach
  void prerequisites() {
    FuseSupport.requireFuse();
  }

  @ParameterizedTest
  @EnumSource(
      value = JournalMode.class,
      names = {"WAL", "DELETE"})
  void databaseGrowsPastOneGibibyteAndReplaysByteIdentical(JournalMode mode) throws Exception {
    NodeProcess node = NodeProcess.start(tmp, true);
    try (node;
        Connection c = node.connect("big.db");
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=" + PAGE_SIZE);
      s.execute(mode.pragma());
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)");
      for (int done = 0; done < ROWS; done += ROWS_PER_TX) {
        s.execute("BEGIN");
        for (int i = 0; i < ROWS_PER_TX; i++) {
          s.execute("INSERT INTO t (b) VALUES (randomblob(" + BLOB + "))");
        }
        s.execute("COMMIT");
      }
      // a change on both sides of the lock page after the database passed it
      s.execute("UPDATE t SET b = randomblob(" + BLOB + ") WHERE id IN (1, " + ROWS + ")");
      if (mode == JournalMode.WAL) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        assertThat(rs.getString(1)).isEqualTo("ok");
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*), sum(length(b)) FROM t")) {
        assertThat(rs.getLong(1)).isEqualTo(ROWS);
        assertThat(rs.getLong(2)).isEqualTo((long) ROWS * BLOB);
      }
    }
    Path database = node.dataDir.resolve("dbs").resolve("big.db").resolve("database");
    assertThat(Files.size(database)).isGreaterThan(LOCK_BYTE + PAGE_SIZE);

    long lockPage = LOCK_BYTE / PAGE_SIZE + 1;
    for (Path ltx : node.ltxFiles("big.db")) {
      try (InputStream in = Files.newInputStream(ltx)) {
        LtxDecoder decoder = LtxDecoder.open(in);
        LtxHeader header = decoder.header();
        assertThat(header.pageSize()).isEqualTo(PAGE_SIZE);
        decoder.readAll((pgno, data) -> assertThat(pgno).as("%s page", ltx).isNotEqualTo(lockPage));
      }
    }
    Path replayed = Replay.databaseFile(tmp.resolve("replay"), "big.db", node.ltxFiles("big.db"));
    assertThat(Files.size(replayed)).isEqualTo(Files.size(database));
    assertThat(Files.mismatch(replayed, database)).as("first differing byte").isEqualTo(-1L);
  }
}
