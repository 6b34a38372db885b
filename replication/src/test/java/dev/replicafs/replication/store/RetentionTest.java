package dev.replicafs.replication.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention by age and by total size, always keeping the newest LTX file. */
class RetentionTest {
  @TempDir Path tmp;

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private Store open(Duration retention, long maxBytes) throws Exception {
    return Store.builder(
            StoreOptions.defaults(tmp.resolve("data")).withRetention(retention, maxBytes))
        .primary(true)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .open();
  }

  private static void age(Db db, LtxFileName f, Duration age) throws Exception {
    Files.setLastModifiedTime(db.ltxPath(f), FileTime.from(NOW.minus(age)));
  }

  @Test
  void deletesFilesOlderThanRetentionButNeverTheNewest() throws Exception {
    try (Store store = open(Duration.ofMinutes(10), 0);
        SqliteMirror sqlite = new SqliteMirror(tmp, Mode.DELETE, 4096, 4)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 5; i++) {
        SqliteMirror.run(db, sqlite.tx("INSERT INTO t(v) VALUES(randomblob(500))"));
      }
      List<LtxFileName> files = db.ltxFiles();
      assertThat(files).hasSize(6);
      for (int i = 0; i < 6; i++) {
        age(db, files.get(i), Duration.ofMinutes(i < 3 ? 30 : 5));
      }
      store.enforceRetention();
      assertThat(db.ltxFiles()).isEqualTo(files.subList(3, 6));
      for (LtxFileName f : db.ltxFiles()) {
        age(db, f, Duration.ofHours(2));
      }
      store.enforceRetention();
      assertThat(db.ltxFiles()).containsExactly(files.get(5));
    }
  }

  @Test
  void sizeCapDeletesOldestFirstAndKeepsTheNewest() throws Exception {
    try (Store store = open(Duration.ofDays(1), 0);
        SqliteMirror sqlite = new SqliteMirror(tmp, Mode.DELETE, 4096, 5)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 4; i++) {
        SqliteMirror.run(db, sqlite.tx("INSERT INTO t(v) VALUES(randomblob(500))"));
      }
      List<LtxFileName> files = db.ltxFiles();
      assertThat(files).hasSize(5);
      long cap = Files.size(db.ltxPath(files.get(3))) + Files.size(db.ltxPath(files.get(4)));
      Retention.enforce(db, NOW, Duration.ofDays(1), cap);
      assertThat(db.ltxFiles()).isEqualTo(files.subList(3, 5));
      Retention.enforce(db, NOW, Duration.ofDays(1), 1);
      assertThat(db.ltxFiles()).containsExactly(files.get(4));
    }
  }

  @Test
  void scheduledRetentionRunsUntilClosed() throws Exception {
    java.util.concurrent.ScheduledExecutorService executor =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "retention-test"));
    try (Store store = open(Duration.ofMinutes(10), 0);
        SqliteMirror sqlite = new SqliteMirror(tmp, Mode.DELETE, 4096, 6)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      SqliteMirror.run(db, sqlite.tx("INSERT INTO t(v) VALUES(randomblob(500))"));
      List<LtxFileName> files = db.ltxFiles();
      age(db, files.get(0), Duration.ofHours(1));
      try (AutoCloseable handle = store.scheduleRetention(executor, Duration.ofMillis(20))) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (db.ltxFiles().size() > 1 && System.nanoTime() < deadline) {
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        assertThat(db.ltxFiles()).containsExactly(files.get(1));
      }
    } finally {
      executor.shutdownNow();
    }
  }
}
