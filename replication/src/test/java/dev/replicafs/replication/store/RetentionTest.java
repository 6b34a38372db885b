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

  /**
   * Retired files keep their inodes as free files; new files are written over them (no new inode,
   * no unlink), cut to their own length, and read back intact, also by a replica. Files too big to
   * keep are deleted, and so are free files left unused for a whole retention pass.
   */
  @Test
  void retiredFilesAreReusedForNewFilesWithoutNewInodes() throws Exception {
    Path ltxDir;
    List<LtxFileName> written;
    try (Store store = open(Duration.ofMinutes(10), 0);
        Store replica = StoreTesting.open(tmp.resolve("replica"), false);
        SqliteMirror sqlite = new SqliteMirror(tmp, Mode.WAL, 4096, 7)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      // one file too big to keep (deleted), then files big enough that the files reusing their
      // inodes are shorter: the tail must be cut. Each named on its own (commits that queue while
      // the naming thread writes share one file), so that there are more free files than new ones.
      SqliteMirror.run(db, sqlite.tx("INSERT INTO t(v) VALUES(randomblob(400000))"));
      db.drainNaming();
      for (int i = 0; i < 4; i++) {
        SqliteMirror.run(db, sqlite.tx("INSERT INTO t(v) VALUES(randomblob(20000))"));
        db.drainNaming();
      }
      List<LtxFileName> old = db.ltxFiles();
      ltxDir = db.ltxPath(old.get(0)).getParent();
      java.util.Set<Object> oldInodes = new java.util.HashSet<>();
      int kept = 0;
      for (int i = 0; i < old.size() - 1; i++) {
        if (Files.size(db.ltxPath(old.get(i))) <= LtxFiles.MAX_FREE_BYTES) {
          oldInodes.add(Files.getAttribute(db.ltxPath(old.get(i)), "unix:ino"));
          kept++;
        }
        age(db, old.get(i), Duration.ofHours(1));
      }
      assertThat(kept).as("one file is too big to keep").isEqualTo(old.size() - 2);
      store.enforceRetention();
      assertThat(db.ltxFiles()).containsExactly(old.get(old.size() - 1));
      assertThat(freeFiles(ltxDir)).hasSize(kept);

      for (int i = 0; i < 3; i++) {
        SqliteMirror.run(db, sqlite.tx("INSERT INTO t(v) VALUES(randomblob(300))"));
        db.drainNaming();
      }
      written = db.ltxFiles().subList(1, db.ltxFiles().size());
      assertThat(written).hasSize(3);
      for (LtxFileName n : written) {
        assertThat(oldInodes).contains(Files.getAttribute(db.ltxPath(n), "unix:ino"));
        try (var in = Files.newInputStream(db.ltxPath(n))) {
          dev.replicafs.replication.ltx.LtxDecoder.open(in).verify();
        }
      }
      assertThat(freeFiles(ltxDir)).hasSize(kept - 3);
      Db copy = replica.create("app.db");
      for (LtxFileName n : old.subList(0, old.size() - 1)) {
        assertThat(n).isNotIn(db.ltxFiles());
      }
      // the replica needs the whole chain: it gets a snapshot of the primary's first file instead
      try (var in = new java.io.ByteArrayOutputStream()) {
        db.writeSnapshot(in);
        copy.apply(new java.io.ByteArrayInputStream(in.toByteArray()));
      }
      assertThat(copy.pos()).isEqualTo(db.pos());
    }
    // a reopened store finds its free files again and keeps reusing them
    try (Store store = open(Duration.ofMinutes(10), 0)) {
      Db db = store.db("app.db").orElseThrow();
      assertThat(db.ltxFiles()).endsWith(written.get(written.size() - 1));
      assertThat(freeFiles(ltxDir)).isNotEmpty();
      Files.setLastModifiedTime(
          db.ltxPath(written.get(0)), FileTime.from(NOW.minus(Duration.ofHours(1))));
      // free files no new file reused for a whole retention pass are deleted (an idle database
      // keeps none); the file retired by this pass is kept for the next one
      Retention.enforce(db, NOW, Duration.ofMinutes(10), 0);
      assertThat(freeFiles(ltxDir)).hasSize(1);
      Retention.enforce(db, NOW, Duration.ofMinutes(10), 0);
      assertThat(freeFiles(ltxDir)).isEmpty();
    }
  }

  /**
   * A replica retires expired files into free files too, and the files it receives afterwards are
   * spooled over their inodes (no new inode: on ext4 without a journal allocating one right after
   * many deletions scans the recently freed ones), cut to their own length, verified, and applied.
   */
  @Test
  void aReplicaReceivesNewFilesOverRetiredInodes() throws Exception {
    try (Store primary = open(Duration.ofMinutes(10), 0);
        Store replica =
            Store.builder(
                    StoreOptions.defaults(tmp.resolve("replica"))
                        .withRetention(Duration.ofMinutes(10), 0))
                .primary(false)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .open();
        SqliteMirror sqlite = new SqliteMirror(tmp, Mode.DELETE, 4096, 9)) {
      Db db = primary.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 4; i++) {
        SqliteMirror.run(db, sqlite.tx("INSERT INTO t(v) VALUES(randomblob(20000))"));
      }
      Db copy = replica.create("app.db");
      for (LtxFileName n : db.ltxFiles()) {
        try (var in = Files.newInputStream(db.ltxPath(n))) {
          copy.apply(in);
        }
      }
      List<LtxFileName> old = copy.ltxFiles();
      Path ltxDir = copy.ltxPath(old.get(0)).getParent();
      java.util.Set<Object> oldInodes = new java.util.HashSet<>();
      for (int i = 0; i < old.size() - 1; i++) {
        oldInodes.add(Files.getAttribute(copy.ltxPath(old.get(i)), "unix:ino"));
        age(copy, old.get(i), Duration.ofHours(1));
      }
      replica.enforceRetention();
      assertThat(copy.ltxFiles()).containsExactly(old.get(old.size() - 1));
      assertThat(freeFiles(ltxDir)).hasSize(old.size() - 1);

      List<LtxFileName> before = db.ltxFiles();
      for (int i = 0; i < 3; i++) {
        SqliteMirror.run(db, sqlite.tx("INSERT INTO t(v) VALUES(randomblob(300))"));
      }
      List<LtxFileName> fresh = new java.util.ArrayList<>(db.ltxFiles());
      fresh.removeAll(before);
      assertThat(fresh).hasSize(3);
      for (LtxFileName n : fresh) {
        try (var in = Files.newInputStream(db.ltxPath(n))) {
          copy.apply(in);
        }
        assertThat(Files.getAttribute(copy.ltxPath(n), "unix:ino"))
            .as("inode of the received %s", n)
            .isIn(oldInodes);
        assertThat(Files.readAllBytes(copy.ltxPath(n)))
            .as("received %s cut to its own length", n)
            .isEqualTo(Files.readAllBytes(db.ltxPath(n)));
      }
      assertThat(freeFiles(ltxDir)).hasSize(old.size() - 4);
      assertThat(copy.pos()).isEqualTo(db.pos());
      assertThat(Files.readAllBytes(copy.path(FileKind.DATABASE)))
          .isEqualTo(Files.readAllBytes(db.path(FileKind.DATABASE)));
    }
  }

  private static List<Path> freeFiles(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(LtxFiles.FREE)).toList();
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
