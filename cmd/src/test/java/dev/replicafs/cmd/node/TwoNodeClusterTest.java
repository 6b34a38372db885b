package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.cmd.ExitCodes;
import dev.replicafs.cmd.Main;
import dev.replicafs.cmd.config.LoadContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code replicafs mount} processes with a static lease: a write on the primary's mount
 * (sqlite3 CLI) appears on the replica's mount; {@code export} from the replica and {@code import}
 * through it (forwarded to the primary) round-trip the database; SIGTERM stops both cleanly.
 */
class TwoNodeClusterTest {
  @TempDir Path dir;

  @BeforeAll
  static void prerequisites() throws Exception {
    MountProcess.requireFuse();
  }

  @Test
  void writesOnThePrimaryMountAppearOnTheReplicaAndExportImportRoundTrips() throws Exception {
    int primaryPort = MountProcess.freePort();
    int replicaPort = MountProcess.freePort();
    String advertise = "http://127.0.0.1:" + primaryPort;
    Path p = dir.resolve("primary");
    Path r = dir.resolve("replica");
    try (MountProcess primary =
            MountProcess.start(p, MountProcess.config(p, primaryPort, true, advertise), Map.of())
                .awaitReady();
        MountProcess replica =
            MountProcess.start(r, MountProcess.config(r, replicaPort, false, advertise), Map.of())
                .awaitReady()) {
      sqlite(
          primary.mnt.resolve("app.db"),
          "PRAGMA journal_mode=WAL; CREATE TABLE t (x TEXT);"
              + " INSERT INTO t VALUES ('a'), ('b'), ('c');");
      awaitRows(replica.mnt.resolve("app.db"), "t", "3");

      String api = "http://127.0.0.1:" + replicaPort;
      Path exported = dir.resolve("exported.db");
      assertThat(cli("export", "-name", "app.db", "-url", api, exported.toString()))
          .isEqualTo(ExitCodes.OK);
      assertThat(sqlite(exported, "SELECT group_concat(x) FROM t")).isEqualTo("a,b,c");

      assertThat(cli("import", "-name", "copy.db", "-url", api, exported.toString()))
          .isEqualTo(ExitCodes.OK);
      awaitRows(replica.mnt.resolve("copy.db"), "t", "3");
      assertThat(sqlite(primary.mnt.resolve("copy.db"), "SELECT group_concat(x) FROM t"))
          .isEqualTo("a,b,c");

      replica.process.destroy();
      primary.process.destroy();
      assertThat(replica.awaitExit()).as(replica.log()).isZero();
      assertThat(primary.awaitExit()).as(primary.log()).isZero();
      assertThat(MountProcess.isMounted(primary.mnt)).isFalse();
      assertThat(MountProcess.isMounted(replica.mnt)).isFalse();
    }
  }

  private static int cli(String... args) {
    StringWriter out = new StringWriter();
    PrintWriter w = new PrintWriter(out);
    int code = Main.run(args, new NodeActions(w), LoadContext.system(), w, w);
    assertThat(code).as(out.toString()).isZero();
    return code;
  }

  private static void awaitRows(Path db, String table, String expected) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      if (db.toFile().exists()) {
        last = sqliteOrError(db, "SELECT count(*) FROM " + table);
        if (last.equals(expected)) {
          return;
        }
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new AssertionError(db + ": expected " + expected + " rows, last answer: " + last);
  }

  private static String sqlite(Path db, String sql) throws Exception {
    Process p =
        new ProcessBuilder(List.of("sqlite3", db.toString(), sql))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static String sqliteOrError(Path db, String sql) throws Exception {
    Process p =
        new ProcessBuilder(List.of("sqlite3", "-readonly", db.toString(), sql))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }
}
