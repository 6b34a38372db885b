package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Disk full on the primary, for real: the data directory is on a small tmpfs (mounted here, as
 * root) under a real FUSE mount, with a ballast file taking most of it. A sqlite-jdbc workload
 * writes until SQLite reports SQLITE_FULL or SQLITE_IOERR; then the database must be intact with
 * exactly the rows of the transactions that succeeded, the LTX files must form an unbroken chain
 * ending at the position, the node must still be running, writes must succeed again once the
 * ballast is deleted, and the store must reopen at the same position.
 */
class DiskFullMountTest {
  private static final int TMPFS_MIB = 24;
  private static final int BALLAST_MIB = 14;

  @TempDir Path tmp;
  private Path disk;

  @BeforeEach
  void mountTmpfs() throws Exception {
    FuseSupport.requireFuse();
    disk = Files.createDirectories(tmp.resolve("disk"));
    run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_MIB + "m", "tmpfs", disk.toString());
  }

  @AfterEach
  void unmountTmpfs() throws Exception {
    if (disk != null) {
      run("umount", "-l", disk.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void writesFailCleanlyWhenTheDataDiskIsFullAndResumeOnceSpaceIsFreed(JournalMode mode)
      throws Exception {
    Path data = disk.resolve("data");
    Path ballast = disk.resolve("ballast");
    Files.write(ballast, new byte[BALLAST_MIB << 20]);
    Path mnt = Files.createDirectories(tmp.resolve("mnt"));
    int committed = 0;
    String pos;
    try (NodeProcess m = NodeProcess.start(data, mnt, true, true)) {
      SQLException full = null;
      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        s.execute(mode.pragma());
        // A small WAL is checkpointed and reused, so the disk fills while the LTX file of a
        // transaction already in the WAL is written: the hardest case.
        s.execute("PRAGMA wal_autocheckpoint=32");
        s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        for (int i = 0; i < 10_000 && full == null; i++) {
          try {
            s.execute("INSERT INTO t(v) VALUES (randomblob(65536))");
            committed++;
          } catch (SQLException e) {
            full = e;
            System.out.println("disk full after " + committed + " rows: " + e.getMessage());
          }
        }
      } catch (SQLException e) {
        if (full == null) {
          full = e;
        }
      }
      assertThat((Object) full).as("the workload must hit the full disk").isNotNull();
      assertThat(full.getMessage()).containsAnyOf("SQLITE_FULL", "SQLITE_IOERR");
      assertThat(committed).as("some rows fit before the disk filled").isPositive();

      m.command("stats");
      pos = checkConsistent(m, committed);

      Files.delete(ballast);
      try (Connection c = m.connect("app.db");
          Statement s = c.createStatement()) {
        for (int i = 0; i < 5; i++) {
          s.execute("INSERT INTO t(v) VALUES (randomblob(65536))");
          committed++;
        }
      }
      pos = checkConsistent(m, committed);
    }
    try (NodeProcess m = NodeProcess.start(data, mnt, true, true)) {
      assertThat(Files.readString(m.file("app.db-pos"))).as("reopened position").isEqualTo(pos);
      checkConsistent(m, committed);
    }
  }

  /** Integrity, row count, and an unbroken LTX chain that ends at the position; returns it. */
  private static String checkConsistent(NodeProcess m, int rows) throws Exception {
    try (Connection c = m.connect("app.db");
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        assertThat(rs.getString(1)).isEqualTo("ok");
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
        assertThat(rs.getInt(1)).as("rows of the successful transactions").isEqualTo(rows);
      }
    }
    String pos = Files.readString(m.file("app.db-pos"));
    long txid = Long.parseUnsignedLong(pos.substring(0, 16), 16);
    List<Path> files = m.ltxFiles("app.db");
    assertThat(files).isNotEmpty();
    long expectedMin = -1;
    for (Path f : files) {
      String name = f.getFileName().toString();
      long min = Long.parseUnsignedLong(name.substring(0, 16), 16);
      long max = Long.parseUnsignedLong(name.substring(17, 33), 16);
      if (expectedMin >= 0) {
        assertThat(min).as("LTX chain continues at %s", name).isEqualTo(expectedMin);
      }
      expectedMin = max + 1;
    }
    assertThat(expectedMin - 1).as("the last LTX file ends at the position").isEqualTo(txid);
    try (Stream<Path> left = Files.list(m.dataDir.resolve("dbs/app.db/ltx"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no temporary files left behind")
          .allMatch(n -> n.matches("[0-9a-f]{16}-[0-9a-f]{16}\\.ltx"));
    }
    return pos;
  }

  private static void run(String... command) throws Exception {
    Process p =
        new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
