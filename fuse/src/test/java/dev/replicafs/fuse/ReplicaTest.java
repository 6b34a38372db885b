package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A replica node applies the LTX files a primary node wrote; readers on the replica's mount (a
 * sqlite-jdbc connection in this JVM and a {@code sqlite3} process, both kept open throughout) see
 * each transaction as soon as its apply returns, and writes fail with SQLITE_READONLY.
 */
class ReplicaTest {
  private static final int TRANSACTIONS = 8;
  @TempDir Path tmp;

  @BeforeEach
  void prerequisites() {
    FuseSupport.requireFuse();
    FuseSupport.requireSqliteCli();
  }

  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void longLivedReadersSeeEveryAppliedTransactionAndWritesAreReadOnly(JournalMode mode)
      throws Exception {
    try (NodeProcess primary = NodeProcess.start(tmp.resolve("p"), true);
        NodeProcess replica =
            NodeProcess.start(
                tmp.resolve("r/data"), tmp.resolve("r/mnt"), false, true, experimentEnv());
        Connection writer = primary.connect("app.db");
        Statement w = writer.createStatement()) {
      w.execute(mode.pragma());
      w.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      w.execute("INSERT INTO t(v) VALUES ('first')");
      List<Path> applied = new ArrayList<>();
      applyNew(primary, replica, applied);

      try (Connection reader = replica.connect("app.db");
          Statement r = reader.createStatement();
          SqliteShell shell = new SqliteShell(replica.file("app.db"))) {
        assertThat(count(r)).isEqualTo(1);
        assertThat(shell.value("SELECT count(*) FROM t;")).isEqualTo("1");
        for (int i = 2; i <= TRANSACTIONS; i++) {
          w.execute("INSERT INTO t(v) VALUES (hex(randomblob(" + (i * 700) + ")))");
          if (i % 3 == 0) {
            w.execute("UPDATE t SET v = 'u' || id WHERE id = 1");
          }
          applyNew(primary, replica, applied);
          assertThat(count(r)).as("jdbc reader after tx %d", i).isEqualTo(i);
          assertThat(shell.value("SELECT count(*) FROM t;"))
              .as("cli after tx %d", i)
              .isEqualTo("" + i);
          assertThat(shell.value("SELECT v FROM t WHERE id = 1;"))
              .isEqualTo(i >= 3 ? "u1" : "first");
        }
        assertThatThrownBy(() -> r.execute("INSERT INTO t(v) VALUES ('x')"))
            .isInstanceOfSatisfying(
                SQLiteException.class,
                e ->
                    assertThat(e.getResultCode().code & 0xff)
                        .isEqualTo(SQLiteErrorCode.SQLITE_READONLY.code));
        assertThat(String.join("\n", shell.run("INSERT INTO t(v) VALUES ('x');")))
            .contains("attempt to write a readonly database");
        try (Connection fresh = replica.connect("app.db");
            Statement f = fresh.createStatement()) {
          assertThatThrownBy(() -> f.execute("DELETE FROM t"))
              .isInstanceOfSatisfying(
                  SQLiteException.class,
                  e ->
                      assertThat(e.getResultCode().code & 0xff)
                          .isEqualTo(SQLiteErrorCode.SQLITE_READONLY.code));
        }
        assertThat(shell.value("PRAGMA integrity_check;")).isEqualTo("ok");
        assertThat(count(r)).isEqualTo(TRANSACTIONS);
      }
    }
  }

  /**
   * The coherence experiment (docs/FUSE.md) reruns this test with the mechanism switched off:
   * {@code -Dreplicafs.experiment.shm=NONE|INVALIDATE -Dreplicafs.experiment.pages=false}.
   */
  private static java.util.Map<String, String> experimentEnv() {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    String shm = System.getProperty("replicafs.experiment.shm");
    String pages = System.getProperty("replicafs.experiment.pages");
    if (shm != null) {
      env.put("REPLICAFS_SHM_REFRESH", shm);
    }
    if (pages != null) {
      env.put("REPLICAFS_DB_PAGES", pages);
    }
    return env;
  }

  private static int count(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
      return rs.getInt(1);
    }
  }

  private static void applyNew(NodeProcess primary, NodeProcess replica, List<Path> applied)
      throws Exception {
    for (Path ltx : primary.ltxFiles("app.db")) {
      if (!applied.contains(ltx)) {
        replica.command("apply app.db " + ltx);
        applied.add(ltx);
      }
    }
  }
}
