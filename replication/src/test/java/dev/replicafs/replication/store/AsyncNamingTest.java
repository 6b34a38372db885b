package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.StoreTesting.checksumFromScratch;
import static dev.replicafs.replication.store.StoreTesting.copyTree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WAL commits named after the lock release ({@link LtxNamer}, docs/ARCHITECTURE.md "WAL commits are
 * named after the lock release returns") and recovery of the transactions whose files were not
 * named or did not survive (recovery step 3). Real SQLite through {@link SqliteMirror}; the naming
 * thread is held at its file write by {@link FaultyFileOps#pauseAt}.
 */
class AsyncNamingTest {
  @TempDir Path tmp;

  /** A transaction that certainly changes pages (a random one may change none). */
  private static List<SqliteMirror.Call> insert(SqliteMirror sqlite, int i) throws Exception {
    return sqlite.tx("INSERT INTO t(id, v) VALUES(" + (10_000 + i) + ", randomblob(700))");
  }

  @Test
  void commitsReturnBeforeTheirFilesAreNamedAndQueuedCommitsShareOneFile() throws Exception {
    FaultyFileOps ops = new FaultyFileOps();
    try (Store store = StoreTesting.open(tmp.resolve("p"), true, ops);
        Store replica = StoreTesting.open(tmp.resolve("r"), false);
        SqliteMirror sqlite =
            new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), Mode.WAL, 4096, 21)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      db.drainNaming();
      Pos start = db.pos();

      ops.pauseAt("WAL_NAME:LTX_WRITE");
      SqliteMirror.run(db, insert(sqlite, 0));
      ops.awaitPaused();
      for (int i = 1; i < 4; i++) {
        SqliteMirror.run(db, insert(sqlite, i));
      }
      assertThat(db.committedPos().txid()).isEqualTo(start.txid() + 4);
      assertThat(db.pos()).as("nothing named while the naming thread is held").isEqualTo(start);
      assertThat(db.namingIdle()).isFalse();

      ops.resume();
      db.drainNaming();
      assertThat(db.pos()).isEqualTo(db.committedPos());
      long t = start.txid();
      assertThat(db.ltxFiles())
          .contains(new LtxFileName(t + 1, t + 1), new LtxFileName(t + 2, t + 4))
          .doesNotContain(new LtxFileName(t + 2, t + 2));
      assertThat(db.ltxFileFrom(t + 2)).contains(new LtxFileName(t + 2, t + 4));

      // The merged file is an ordinary LTX file: a replica applies it to the same checksum.
      Db copy = replica.create("app.db");
      StoreTesting.applyAll(db, copy);
      assertThat(copy.pos()).isEqualTo(db.pos());
    }
  }

  @Test
  void aCommitAfterAnIdleIntervalIsNamedAtOnceAndTheCommitsWithinTheIntervalShareOneFile()
      throws Exception {
    // An interval far longer than the test: the writer has been idle for none of it after a file.
    try (Store store =
            StoreTesting.builder(tmp.resolve("p"), true, DiskFileOps.INSTANCE)
                .namingInterval(java.time.Duration.ofHours(1))
                .open();
        Store replica = StoreTesting.open(tmp.resolve("r"), false);
        SqliteMirror sqlite =
            new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), Mode.WAL, 4096, 24)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init()); // the first transaction: a snapshot, named at commit
      Pos start = db.pos();
      assertThat(start).isEqualTo(db.committedPos());

      // No file started within the interval yet: named at once, without a drain.
      SqliteMirror.run(db, insert(sqlite, 0));
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (db.pos().txid() == start.txid() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      long t = start.txid();
      assertThat(db.pos().txid()).as("named without a drain").isEqualTo(t + 1);

      // These come within the interval of that file: they wait, and share one file.
      SqliteMirror.run(db, insert(sqlite, 1));
      SqliteMirror.run(db, insert(sqlite, 2));
      SqliteMirror.run(db, insert(sqlite, 3));
      assertThat(db.committedPos().txid()).isEqualTo(t + 4);
      assertThat(db.namingIdle()).as("queued for the interval").isFalse();
      assertThat(db.pos().txid()).isEqualTo(t + 1);

      db.drainNaming(); // does not wait for the interval
      assertThat(db.pos()).isEqualTo(db.committedPos());
      assertThat(db.ltxFiles())
          .contains(new LtxFileName(t + 1, t + 1), new LtxFileName(t + 2, t + 4))
          .doesNotContain(new LtxFileName(t + 2, t + 2), new LtxFileName(t + 3, t + 3));

      Db copy = replica.create("app.db");
      StoreTesting.applyAll(db, copy);
      assertThat(copy.pos()).isEqualTo(db.pos());
    }
  }

  @Test
  void aCrashBeforeTheFilesAreNamedLosesNoCommittedTransaction() throws Exception {
    FaultyFileOps ops = new FaultyFileOps();
    Path data = tmp.resolve("p");
    Path crashed = tmp.resolve("crashed");
    Pos committed;
    Pos named;
    try (Store store = StoreTesting.open(data, true, ops);
        SqliteMirror sqlite =
            new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), Mode.WAL, 4096, 22)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      SqliteMirror.run(db, sqlite.randomTx());
      db.drainNaming();
      named = db.pos();
      ops.pauseAt("WAL_NAME:LTX_WRITE");
      for (int i = 0; i < 3; i++) {
        SqliteMirror.run(db, insert(sqlite, i));
      }
      ops.awaitPaused();
      committed = db.committedPos();
      // The process dies here: what is on disk (the page cache survives a process crash) is the
      // WAL with three committed transactions and no LTX file for them.
      copyTree(data, crashed);
      ops.resume();
    }
    assertThat(committed.txid()).isEqualTo(named.txid() + 3);
    try (Store store = StoreTesting.open(crashed, true)) {
      Db db = store.db("app.db").orElseThrow();
      assertThat(db.pos()).isEqualTo(committed);
      assertThat(db.ltxFiles())
          .last()
          .isEqualTo(new LtxFileName(named.txid() + 1, committed.txid()));
      assertThat(checksumFromScratch(db.path(FileKind.DATABASE)))
          .isEqualTo(committed.postApplyChecksum());
      try (Store replica = StoreTesting.open(tmp.resolve("r"), false)) {
        Db copy = replica.create("app.db");
        StoreTesting.applyAll(db, copy);
        assertThat(copy.pos()).isEqualTo(committed);
      }
    }
  }

  @Test
  void aTornFileOfTheCurrentWalGenerationIsDroppedWithItsSuccessorsAndRecoveredFromTheWal()
      throws Exception {
    Path data = tmp.resolve("p");
    Pos end;
    try (Store store = StoreTesting.open(data, true);
        SqliteMirror sqlite =
            new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), Mode.WAL, 4096, 23)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 6; i++) {
        SqliteMirror.run(db, sqlite.randomTx());
        db.drainNaming();
      }
      end = db.pos();
    }
    // A power loss tore the third-newest file (written without fsync: the WAL covers it); the two
    // newer ones survived. None of the three may be trusted to form a chain.
    Path ltx = data.resolve("dbs/app.db/ltx");
    List<LtxFileName> before;
    try (var s = Files.list(ltx)) {
      before =
          s.map(p -> LtxFileName.parse(p.getFileName().toString()).orElseThrow()).sorted().toList();
    }
    LtxFileName torn = before.get(before.size() - 3);
    StoreTesting.flipMiddleByte(ltx.resolve(torn.toString()));
    try (Store store = StoreTesting.open(data, true)) {
      Db db = store.db("app.db").orElseThrow();
      assertThat(db.pos()).isEqualTo(end);
      List<LtxFileName> after = db.ltxFiles();
      assertThat(after.subList(0, before.size() - 3))
          .isEqualTo(before.subList(0, before.size() - 3));
      assertThat(after).last().isEqualTo(new LtxFileName(torn.minTxid(), end.txid()));
      try (Store replica = StoreTesting.open(tmp.resolve("r"), false)) {
        Db copy = replica.create("app.db");
        StoreTesting.applyAll(db, copy);
        assertThat(copy.pos()).isEqualTo(end);
      }
    }
  }
}
