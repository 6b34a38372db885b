package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.StoreTesting.checksumFromScratch;
import static dev.replicafs.replication.store.StoreTesting.copyTree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollback-journal commits whose LTX files the store's background thread fsyncs after the commit
 * returned, and recovery of the newest files after a power loss (docs/ARCHITECTURE.md,
 * "Rollback-journal commits are fsynced in the background", recovery step 3a). Real SQLite through
 * {@link SqliteMirror}; the background thread is held at its first fsync by {@link
 * FaultyFileOps#pauseAt}.
 */
class BackgroundSyncTest {
  @TempDir Path tmp;

  /** A transaction that certainly changes pages. */
  private static List<SqliteMirror.Call> insert(SqliteMirror sqlite, int i) throws Exception {
    return sqlite.tx("INSERT INTO t(id, v) VALUES(" + (10_000 + i) + ", randomblob(700))");
  }

  @Test
  void aJournalCommitReturnsBeforeItsFileIsFsyncedAndTheBackgroundThreadFsyncsItRightAfter()
      throws Exception {
    FaultyFileOps ops = new FaultyFileOps();
    try (Store store = StoreTesting.open(tmp.resolve("p"), true, ops);
        SqliteMirror sqlite = mirror(Mode.DELETE, 31)) {
      Db db = created(store, sqlite);
      Pos start = db.pos();

      ops.pauseAt("LTX_SYNC:");
      ops.clear();
      SqliteMirror.run(db, insert(sqlite, 0));
      ops.awaitPaused();
      // The commit returned (the journal is gone, the position moved) while the fsync is held.
      assertThat(db.pos().txid()).isEqualTo(start.txid() + 1);
      assertThat(db.exists(FileKind.JOURNAL)).isFalse();
      assertThat(db.ltxFiles()).contains(new LtxFileName(start.txid() + 1, start.txid() + 1));
      List<String> commit = ops.mutations();
      assertThat(commit).contains("COMMIT:LTX_RENAME").noneMatch(l -> l.startsWith("COMMIT:LTX_F"));
      assertThat(db.ltx.deferredCount()).isEqualTo(1);

      ops.resume();
      awaitSynced(db);
      assertThat(ops.mutations()).contains("LTX_SYNC:LTX_FSYNC", "LTX_SYNC:LTX_FSYNC_DIR");
    }
  }

  @Test
  void aCommitThatFindsTheWaitingListFullWaitsForTheFilesToBeDurable() throws Exception {
    FaultyFileOps ops = new FaultyFileOps();
    try (Store store = StoreTesting.open(tmp.resolve("p"), true, ops);
        SqliteMirror sqlite = mirror(Mode.DELETE, 32)) {
      Db db = created(store, sqlite);
      Pos start = db.pos();
      int max = LtxFiles.MAX_WAITING_FOR_BACKGROUND_SYNC;
      List<List<SqliteMirror.Call>> txs = new ArrayList<>();
      for (int i = 0; i <= max + 1; i++) {
        txs.add(insert(sqlite, i));
      }

      // The first commit's background batch holds its fsync (waited for before the other commits
      // start: on a loaded machine the 10 ms delay could otherwise outlast all of them); the
      // commits after it queue their files.
      ops.pauseAt("LTX_SYNC:");
      SqliteMirror.run(db, txs.get(0));
      ops.awaitPaused();
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (List<SqliteMirror.Call> tx : txs.subList(1, txs.size())) {
                    SqliteMirror.run(db, tx);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // The batch in flight holds the first file, which stays unsynced, and MAX - 1 more join it;
      // the next commit fsyncs them itself before writing its own file, which waits for the held
      // batch: it cannot have returned, nor can the ones after it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (db.ltx.deferredCount() < max && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(db.ltx.deferredCount()).isEqualTo(max);
      Thread.sleep(200);
      assertThat(writer).isNotDone();
      assertThat(db.ltx.deferredCount()).isEqualTo(max);
      assertThat(db.pos().txid()).isEqualTo(start.txid() + max);

      ops.resume();
      writer.get(30, TimeUnit.SECONDS);
      assertThat(db.pos().txid()).isEqualTo(start.txid() + txs.size());
      assertThat(ops.mutations()).contains("COMMIT:LTX_FSYNC", "COMMIT:LTX_FSYNC_DIR");
      awaitSynced(db);
    }
  }

  @Test
  void withSynchronousReplicationTheFileIsDurableBeforeTheCommitReturns() throws Exception {
    FaultyFileOps ops = new FaultyFileOps();
    try (Store store =
            Store.builder(StoreOptions.defaults(tmp.resolve("p")).withNodeId(7))
                .fileOps(ops)
                .primary(true)
                .commitGate(event -> {})
                .open();
        SqliteMirror sqlite =
            new SqliteMirror(
                Files.createDirectories(tmp.resolve("sql")), Mode.TRUNCATE, 4096, 33)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      ops.clear();
      SqliteMirror.run(db, insert(sqlite, 0));
      assertThat(ops.mutations())
          .contains("COMMIT:LTX_FSYNC", "COMMIT:LTX_FSYNC_DIR")
          .noneMatch(l -> l.startsWith("LTX_SYNC:"));
      assertThat(db.ltx.deferredCount()).isZero();
    }
  }

  @Test
  void aPowerLossThatTearsTheNewestFilesKeepsTheDatabaseAndRecordsASnapshot() throws Exception {
    Path data = tmp.resolve("p");
    Path lost = tmp.resolve("lost");
    Pos end;
    List<LtxFileName> before;
    try (Store store = StoreTesting.open(data, true);
        SqliteMirror sqlite = mirror(Mode.PERSIST, 34)) {
      Db db = created(store, sqlite);
      insertMany(db, sqlite, 8);
      end = db.pos();
      before = db.ltxFiles();
      // What a power loss can leave of files not yet fsynced: the third-newest torn, the newest
      // empty, the one between intact (the disk wrote them in any order). The database itself was
      // fsynced by the commits (synchronous=FULL, or the store's own fsync).
      copyTree(data, lost);
    }
    Path ltx = lost.resolve("dbs/app.db/ltx");
    LtxFileName torn = before.get(before.size() - 3);
    StoreTesting.flipMiddleByte(ltx.resolve(torn.toString()));
    Files.write(ltx.resolve(before.get(before.size() - 1).toString()), new byte[0]);

    try (Store store = StoreTesting.open(lost, true)) {
      Db db = store.db("app.db").orElseThrow();
      List<LtxFileName> after = db.ltxFiles();
      // everything from the torn file on is gone; the database, which has every transaction, is
      // recorded as a snapshot at the next TXID with the same content
      assertThat(db.pos().txid()).isEqualTo(torn.minTxid());
      assertThat(db.pos().postApplyChecksum()).isEqualTo(end.postApplyChecksum());
      assertThat(checksumFromScratch(db.path(FileKind.DATABASE)))
          .isEqualTo(end.postApplyChecksum());
      assertThat(after).last().isEqualTo(new LtxFileName(1, torn.minTxid()));
      try (Store replica = StoreTesting.open(tmp.resolve("r"), false)) {
        Db copy = replica.create("app.db");
        StoreTesting.applyAll(db, copy);
        assertThat(copy.pos()).isEqualTo(db.pos());
      }
    }
  }

  @Test
  void intactNewestFilesAreKeptAtOpen() throws Exception {
    Path data = tmp.resolve("p");
    Pos end;
    List<LtxFileName> files;
    try (Store store = StoreTesting.open(data, true);
        SqliteMirror sqlite = mirror(Mode.DELETE, 35)) {
      Db db = created(store, sqlite);
      insertMany(db, sqlite, UnsyncedFiles.WINDOW + 5);
      end = db.pos();
      files = db.ltxFiles();
    }
    try (Store store = StoreTesting.open(data, true)) {
      Db db = store.db("app.db").orElseThrow();
      assertThat(db.pos()).isEqualTo(end);
      assertThat(db.ltxFiles()).isEqualTo(files);
    }
  }

  /** Creates app.db with the mirror's schema; its first (snapshot) file is durable. */
  private static Db created(Store store, SqliteMirror sqlite) throws Exception {
    Db db = store.create("app.db");
    SqliteMirror.run(db, sqlite.init());
    awaitSynced(db);
    return db;
  }

  private static void insertMany(Db db, SqliteMirror sqlite, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      SqliteMirror.run(db, insert(sqlite, i));
    }
  }

  private SqliteMirror mirror(Mode mode, long seed) throws Exception {
    return new SqliteMirror(Files.createDirectories(tmp.resolve("sql")), mode, 4096, seed);
  }

  /** Waits until no file waits for the background fsync (bounded). */
  private static void awaitSynced(Db db) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (db.ltx.deferredCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertThat(db.ltx.deferredCount()).as("files waiting for the background fsync").isZero();
  }
}
