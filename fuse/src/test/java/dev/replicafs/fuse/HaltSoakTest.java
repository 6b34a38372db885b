package dev.replicafs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two nodes, the primary and a replica, each take the halt lock and insert a row every 100 ms
 * (sqlite-jdbc connections opened under the lock): afterwards both have every row and
 * byte-identical databases. The CI variant runs 4 s per journal mode; the 30 s variant is tagged
 * {@code long} ({@code -Plong}).
 */
class HaltSoakTest {
  private static final String DB = "app.db";
  @TempDir Path tmp;

  @BeforeEach
  void prerequisites() {
    FuseSupport.requireFuse();
    FuseSupport.requireSqliteCli();
  }

  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void twoNodesWritingUnderTheHaltEndEqual(JournalMode mode) throws Exception {
    soak(mode, Duration.ofSeconds(4));
  }

  @Tag("long")
  @ParameterizedTest
  @EnumSource(JournalMode.class)
  void twoNodesWritingUnderTheHaltFor30SecondsEndEqual(JournalMode mode) throws Exception {
    soak(mode, Duration.ofSeconds(30));
  }

  private void soak(JournalMode mode, Duration length) throws Exception {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            2, r -> new Thread(r, "halt-soak-writer-" + Integer.toHexString(r.hashCode())));
    try (HaltCluster c = HaltCluster.start(tmp, 2)) {
      HaltLockTest.create(c, mode);
      AtomicInteger rows = new AtomicInteger();
      long end = System.nanoTime() + length.toNanos();
      List<Future<Integer>> writers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        NodeProcess node = c.node(i);
        String name = "n" + i;
        writers.add(pool.submit(() -> write(node, name, mode, end, rows)));
      }
      int total = 0;
      for (Future<Integer> w : writers) {
        int n = w.get(length.toSeconds() + 120, TimeUnit.SECONDS);
        assertThat(n).as("rows written by one node").isGreaterThan(0);
        total += n;
      }
      c.awaitConverged(DB);
      for (NodeProcess n : c.nodes) {
        try (SqliteShell sh = new SqliteShell(n.file(DB))) {
          assertThat(sh.value("SELECT count(*) FROM t;")).isEqualTo(Integer.toString(total));
          assertThat(sh.value("SELECT count(DISTINCT node) FROM t;")).isEqualTo("2");
          assertThat(sh.value("PRAGMA integrity_check;")).isEqualTo("ok");
        }
      }
      assertThat(c.export(1, DB)).isEqualTo(c.export(0, DB));
      assertThat(rows.get()).isEqualTo(total);
    } finally {
      pool.shutdownNow();
    }
  }

  private static int write(
      NodeProcess node, String name, JournalMode mode, long end, AtomicInteger rows)
      throws Exception {
    int n = 0;
    long next = System.nanoTime();
    while (System.nanoTime() - end < 0) {
      try (AutoCloseable halt = HaltCluster.haltLock(node, DB);
          Connection conn = DriverManager.getConnection("jdbc:sqlite:" + node.file(DB));
          Statement s = conn.createStatement()) {
        s.execute("PRAGMA busy_timeout=20000");
        try (ResultSet rs = s.executeQuery(mode.pragma())) {
          rs.next();
        }
        s.executeUpdate("INSERT INTO t(v, node) VALUES (hex(randomblob(300)), '" + name + "')");
      }
      n++;
      rows.incrementAndGet();
      next += 100_000_000L;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
    return n;
  }
}
