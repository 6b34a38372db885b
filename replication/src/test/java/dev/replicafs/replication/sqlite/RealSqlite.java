package dev.replicafs.replication.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers that drive real SQLite: sqlite-jdbc in process and the {@code sqlite3} CLI. */
final class RealSqlite {
  private RealSqlite() {}

  static Connection open(Path db) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + db);
  }

  static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertThat(r.next()).as("row from %s", sql).isTrue();
      return r.getLong(1);
    }
  }

  static String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertThat(r.next()).as("row from %s", sql).isTrue();
      return r.getString(1);
    }
  }

  /** Runs the sqlite3 CLI (a separate process) on {@code db} and returns its trimmed output. */
  static String cli(Path db, String... commands) throws IOException, InterruptedException {
    Path sqlite3 = Path.of("/usr/bin/sqlite3");
    if (!Files.isExecutable(sqlite3)) {
      String message = "the sqlite3 CLI is missing at /usr/bin/sqlite3: apt-get install sqlite3";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      assumeTrue(false, message);
    }
    List<String> argv = new ArrayList<>(List.of(sqlite3.toString(), db.toString()));
    argv.addAll(List.of(commands));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("sqlite3 did not finish in 60 s: " + argv);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.exitValue()).as("sqlite3 exit status, output: %s", out).isZero();
    return out;
  }

  static ByteBuffer readAll(Path file) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(file));
  }
}
