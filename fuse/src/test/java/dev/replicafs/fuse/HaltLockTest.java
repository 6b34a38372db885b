package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writes from a replica through the halt lock (docs/LOCKS.md, "The halt lock"), with real nodes
 * (separate processes, real FUSE mounts, the node API over loopback HTTP) and the {@code sqlite3}
 * CLI, in every journal mode: the rows reach every node, a rollback leaves no trace, an expired
 * halt makes the next write fail and leaves every node consistent, and the primary's own writers
 * wait for the halt and resume after it.
 */
class HaltLockTest {
  private static final String DB = "app.db";
  @TempDir Path tmp;

  @BeforeEach
  void prerequisites() {
    FuseSupport.requireFuse();
    FuseSupport.requireSqliteCli();
  }

  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void rowsWrittenUnderTheHaltOnAReplicaReachEveryNode(JournalMode mode) throws Exception {
    try (HaltCluster c = HaltCluster.start(tmp, 3)) {
      String before = create(c, mode);
      try (AutoCloseable halt = HaltCluster.haltLock(c.node(1), DB);
          SqliteShell sh = shell(c.node(1), mode)) {
        for (int i = 1; i <= 3; i++) {
          assertThat(sh.run("INSERT INTO t(v, node) VALUES ('row" + i + "', 'replica');"))
              .isEmpty();
        }
        assertThat(
                sh.run(
                    "BEGIN; INSERT INTO t(v, node) VALUES ('row4', 'replica');"
                        + " INSERT INTO t(v, node) SELECT 'row5', 'replica'; COMMIT;"))
            .isEmpty();
      }
      String pos = c.awaitConverged(DB);
      assertThat(txid(pos)).as("four transactions").isEqualTo(txid(before) + 4);
      for (NodeProcess n : c.nodes) {
        try (SqliteShell sh = new SqliteShell(n.file(DB))) {
          assertThat(sh.run("SELECT group_concat(v) FROM t;"))
              .containsExactly("row1,row2,row3,row4,row5");
          assertThat(sh.value("PRAGMA integrity_check;")).isEqualTo("ok");
        }
      }
      assertThat(c.export(1, DB)).isEqualTo(c.export(0, DB)).isEqualTo(c.export(2, DB));
    }
  }

  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void aRollbackUnderTheHaltLeavesNoTrace(JournalMode mode) throws Exception {
    try (HaltCluster c = HaltCluster.start(tmp, 2)) {
      String before = create(c, mode);
      try (AutoCloseable halt = HaltCluster.haltLock(c.node(1), DB);
          SqliteShell sh = shell(c.node(1), mode)) {
        assertThat(
                sh.run(
                    "BEGIN; INSERT INTO t(v, node) VALUES (hex(randomblob(9000)), 'r');"
                        + " ROLLBACK;"))
            .isEmpty();
        assertThat(sh.value("SELECT count(*) FROM t;")).isEqualTo("0");
        assertThat(c.node(1).command("pos " + DB)).isEqualTo(before);
      }
      assertThat(c.awaitConverged(DB)).isEqualTo(before);
      for (NodeProcess n : c.nodes) {
        try (SqliteShell sh = new SqliteShell(n.file(DB))) {
          assertThat(sh.value("SELECT count(*) FROM t;")).isEqualTo("0");
          assertThat(sh.value("PRAGMA integrity_check;")).isEqualTo("ok");
        }
      }
      assertThat(c.export(1, DB)).isEqualTo(c.export(0, DB));
    }
  }

  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void aHaltHeldPastItsExpiryFailsTheNextWriteAndEveryNodeStaysConsistent(JournalMode mode)
      throws Exception {
    try (HaltCluster c = HaltCluster.start(tmp, 2)) {
      create(c, mode);
      c.primary().command("ttl 3000");
      try (AutoCloseable halt = HaltCluster.haltLock(c.node(1), DB);
          SqliteShell sh = shell(c.node(1), mode)) {
        assertThat(sh.run("INSERT INTO t(v, node) VALUES ('before', 'replica');")).isEmpty();
        awaitNoHolder(c);
        try (SqliteShell p = shell(c.primary(), mode)) {
          assertThat(p.run("INSERT INTO t(v, node) VALUES ('primary', 'primary');")).isEmpty();
        }
        c.awaitConverged(DB);
        List<String> out = sh.run("INSERT INTO t(v, node) VALUES ('after', 'replica');");
        assertThat(String.join("\n", out)).containsIgnoringCase("error");
        assertThat(sh.value("SELECT group_concat(v) FROM t;")).isEqualTo("before,primary");
      }
      c.awaitConverged(DB);
      for (NodeProcess n : c.nodes) {
        try (SqliteShell sh = new SqliteShell(n.file(DB))) {
          assertThat(sh.value("SELECT group_concat(v) FROM t;")).isEqualTo("before,primary");
          assertThat(sh.value("PRAGMA integrity_check;")).isEqualTo("ok");
        }
      }
      assertThat(c.export(1, DB)).isEqualTo(c.export(0, DB));
      try (AutoCloseable again = HaltCluster.haltLock(c.node(1), DB);
          SqliteShell sh = shell(c.node(1), mode)) {
        assertThat(sh.run("INSERT INTO t(v, node) VALUES ('again', 'replica');")).isEmpty();
      }
      c.awaitConverged(DB);
      assertThat(c.export(1, DB)).isEqualTo(c.export(0, DB));
    }
  }

  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void thePrimarysWritersWaitForTheHaltAndResumeAfterIt(JournalMode mode) throws Exception {
    ExecutorService pool =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "halt-test-primary-writer"));
    try (HaltCluster c = HaltCluster.start(tmp, 2);
        SqliteShell p = shell(c.primary(), mode)) {
      create(c, mode);
      Future<List<String>> primaryWrite;
      try (AutoCloseable halt = HaltCluster.haltLock(c.node(1), DB);
          SqliteShell sh = shell(c.node(1), mode)) {
        assertThat(c.primary().command("holder " + DB)).isNotEqualTo("-");
        primaryWrite = pool.submit(() -> p.run("INSERT INTO t(v, node) VALUES ('p', 'primary');"));
        assertThat(sh.run("INSERT INTO t(v, node) VALUES ('r', 'replica');")).isEmpty();
        assertThat(primaryWrite.isDone()).as("primary writer blocked by the halt").isFalse();
      }
      assertThat(primaryWrite.get(30, TimeUnit.SECONDS)).isEmpty();
      c.awaitConverged(DB);
      for (NodeProcess n : c.nodes) {
        try (SqliteShell sh = new SqliteShell(n.file(DB))) {
          assertThat(sh.value("SELECT group_concat(node) FROM t ORDER BY id;"))
              .isEqualTo("replica,primary");
          assertThat(sh.value("PRAGMA integrity_check;")).isEqualTo("ok");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Creates the table on the primary; returns the position every node reached. */
  static String create(HaltCluster c, JournalMode mode) throws IOException {
    try (SqliteShell sh = new SqliteShell(c.primary().file(DB))) {
      sh.run(mode.pragma() + ";");
      assertThat(sh.run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, node TEXT);")).isEmpty();
    }
    return c.awaitConverged(DB);
  }

  /** A {@code sqlite3} process on a node's mount in {@code mode}, waiting up to 20 s for locks. */
  static SqliteShell shell(NodeProcess node, JournalMode mode) throws IOException {
    SqliteShell sh = new SqliteShell(node.file(DB));
    sh.run(".timeout 20000");
    sh.run(mode.pragma() + ";");
    return sh;
  }

  static long txid(String pos) {
    return Long.parseUnsignedLong(pos.substring(0, 16), 16);
  }

  private static void awaitNoHolder(HaltCluster c) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!c.primary().command("holder " + DB).equals("-")) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the primary did not expire the halt");
      }
      LockSupport.parkNanos(50_000_000);
    }
  }
}
