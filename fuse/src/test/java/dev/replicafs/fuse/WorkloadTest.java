package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A random workload through the mount on two databases at once: {@code jdbc.db} (page size 4096)
 * written by sqlite-jdbc in this JVM and {@code cli.db} (page size 65536) by a {@code sqlite3}
 * process. Afterwards both pass integrity_check, and replaying each one's LTX files in order onto
 * an empty store gives a byte-identical database file.
 */
class WorkloadTest {
  private static final int STEPS = 40;
  @TempDir Path tmp;

  @BeforeEach
  void prerequisites() {
    FuseSupport.requireFuse();
    FuseSupport.requireSqliteCli();
  }

  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void randomWorkloadKeepsDatabasesIntactAndLtxReplayIsByteIdentical(JournalMode mode)
      throws Exception {
    long seed = mode.ordinal() * 7919L + 17;
    NodeProcess node = NodeProcess.start(tmp, true);
    long shrunkFrom;
    try (node;
        Connection c = node.connect("jdbc.db");
        Statement s = c.createStatement();
        SqliteShell cli = new SqliteShell(node.file("cli.db"))) {
      for (String sql : RandomWorkload.setup(4096, mode)) {
        s.execute(sql);
      }
      for (String sql : RandomWorkload.setup(65536, mode)) {
        assertThat(cli.run(sql)).allMatch(line -> !line.contains("Error"));
      }
      List<String> jdbcSteps = new RandomWorkload(seed).steps(STEPS);
      List<String> cliSteps = new RandomWorkload(seed + 1).steps(STEPS);
      shrunkFrom = 0;
      for (int i = 0; i < STEPS; i++) {
        if (i == STEPS - 2) {
          shrunkFrom = Files.size(node.file("jdbc.db"));
        }
        for (String stmt : jdbcSteps.get(i).split(";")) {
          if (!stmt.isBlank()) {
            s.execute(stmt);
          }
        }
        assertThat(cli.run(cliSteps.get(i))).as("cli step %d", i).isEmpty();
        if (mode == JournalMode.WAL && i % 10 == 9) {
          s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
          cli.run("PRAGMA wal_checkpoint(TRUNCATE);");
        }
      }
      if (mode == JournalMode.WAL) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      assertThat(Files.size(node.file("jdbc.db"))).isLessThan(shrunkFrom);
      try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        assertThat(rs.getString(1)).isEqualTo("ok");
      }
      assertThat(cli.value("PRAGMA integrity_check;")).isEqualTo("ok");
      assertThat(cli.value("PRAGMA page_size;")).isEqualTo("65536");
    }
    for (String db : List.of("jdbc.db", "cli.db")) {
      byte[] replayed = Replay.database(tmp.resolve("replay-" + db), db, node.ltxFiles(db));
      byte[] original =
          Files.readAllBytes(node.dataDir.resolve("dbs").resolve(db).resolve("database"));
      assertThat(replayed.length).as("%s size", db).isEqualTo(original.length);
      assertThat(replayed).as("%s bytes", db).isEqualTo(original);
    }
  }
}
