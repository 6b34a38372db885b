package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real SQLite through the mount when the commit gate refuses a commit (a synchronous-replication
 * time-out with {@code sync-fallback: fail}, docs/SYNC.md): in rollback-journal modes the app's
 * COMMIT fails, SQLite rolls the hot journal back through the mount, and the store records that
 * rollback as the next transaction; in WAL mode SQLite has already committed and the node keeps
 * running.
 */
class FailedCommitMountTest {
  @TempDir Path tmp;

  @BeforeEach
  void prerequisites() {
    FuseSupport.requireFuse();
  }

  @ParameterizedTest
  @EnumSource(
      value = JournalMode.class,
      names = {"DELETE", "TRUNCATE", "PERSIST"})
  void aRefusedCommitFailsAndSqliteRollsItBack(JournalMode mode) throws Exception {
    try (NodeProcess m = NodeProcess.start(tmp, true)) {
      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        s.execute(mode.pragma());
        s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        s.execute("INSERT INTO t VALUES (1, 'acknowledged')");
      }
      Path database = m.dataDir.resolve("dbs/app.db/database");
      byte[] before = Files.readAllBytes(database);
      long txidBefore = txid(m);

      m.command("gate fail");
      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.execute("INSERT INTO t VALUES (2, 'not confirmed')"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("I/O");
      }
      m.command("gate pass");

      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT group_concat(id) FROM t")) {
          assertThat(rs.getString(1)).isEqualTo("1");
        }
        try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
          assertThat(rs.getString(1)).isEqualTo("ok");
        }
      }
      // the refused transaction and its rollback are both recorded; the content is as before
      assertThat(txid(m)).isEqualTo(txidBefore + 2);
      assertThat(Files.readAllBytes(database)).isEqualTo(before);
    }
  }

  @Test
  void inWalModeTheCommitStandsAndTheNodeKeepsRunning() throws Exception {
    try (NodeProcess m = NodeProcess.start(tmp, true)) {
      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        s.execute(JournalMode.WAL.pragma());
        s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        m.command("gate fail");
        s.execute("INSERT INTO t VALUES (1, 'committed by SQLite before the gate')");
        m.command("gate pass");
        s.execute("INSERT INTO t VALUES (2, 'next')");
        try (ResultSet rs = s.executeQuery("SELECT group_concat(id) FROM t")) {
          assertThat(rs.getString(1)).isEqualTo("1,2");
        }
      }
      assertThat(m.command("stats")).isNotNull(); // the child still answers: not halted
    }
  }

  private static long txid(NodeProcess m) throws Exception {
    String pos = Files.readString(m.file("app.db-pos")).trim();
    return Long.parseLong(pos.substring(0, pos.indexOf('/')), 16);
  }
}
