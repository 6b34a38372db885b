package dev.replicafs.replication.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.sqlite.JournalHeader;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Commit detection details: rollbacks, empty transactions, the commit gate and listeners. */
class JournalCommitTest {
  @TempDir Path tmp;

  private static void invalidate(Db db, Mode mode) throws IOException {
    switch (mode) {
      case TRUNCATE -> db.truncate(FileKind.JOURNAL, 0);
      case PERSIST -> db.write(FileKind.JOURNAL, ByteBuffer.allocate(28), 0);
      default -> db.remove(FileKind.JOURNAL);
    }
  }

  private static void startTransaction(Db db) throws IOException {
    db.create(FileKind.JOURNAL);
    ByteBuffer h = ByteBuffer.allocate(512);
    h.put(new JournalHeader(1, 5, db.pageCount(), 512, db.pageSize()).encode());
    db.write(FileKind.JOURNAL, h.clear(), 0);
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DELETE", "TRUNCATE", "PERSIST"})
  void rolledBackOrUnchangedTransactionsUseNoTxid(Mode mode) throws Exception {
    try (Store store = StoreTesting.open(tmp.resolve("data"), true);
        SqliteMirror sqlite = new SqliteMirror(tmp, mode, 4096, 1)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      SqliteMirror.run(db, sqlite.randomTx());
      Pos before = db.pos();
      List<LtxFileName> files = db.ltxFiles();
      int ps = db.pageSize();
      ByteBuffer original = ByteBuffer.allocate(ps);
      db.read(FileKind.DATABASE, original, ps);

      // SQLite rolled back: it wrote page 2, then restored it from the journal.
      startTransaction(db);
      db.write(FileKind.DATABASE, ByteBuffer.wrap(new byte[ps]), ps);
      db.write(FileKind.DATABASE, original.duplicate().clear(), ps);
      invalidate(db, mode);
      assertThat(db.pos()).isEqualTo(before);
      assertThat(db.ltxFiles()).isEqualTo(files);

      // A transaction that rewrote a page with the same bytes.
      startTransaction(db);
      db.write(FileKind.DATABASE, original.duplicate().clear(), ps);
      invalidate(db, mode);
      assertThat(db.pos()).isEqualTo(before);
      assertThat(db.ltxFiles()).isEqualTo(files);

      // A real change after that still gets the next TXID.
      SqliteMirror.run(db, sqlite.randomTx());
      assertThat(db.pos().txid()).isEqualTo(before.txid() + 1);
    }
  }

  @Test
  void gateRunsAfterTheLtxIsDurableAndListenersSawThePosition() throws Exception {
    List<String> order = new ArrayList<>();
    boolean[] failGate = {false};
    CommitGate gate =
        event -> {
          Path file =
              tmp.resolve("data/dbs/app.db/ltx")
                  .resolve(LtxFileName.format(event.header().minTxid(), event.header().maxTxid()));
          order.add("gate txid=" + event.pos().txid() + " durable=" + Files.exists(file));
          if (failGate[0]) {
            throw new IOException("replicas did not acknowledge");
          }
        };
    try (Store store =
            Store.builder(StoreOptions.defaults(tmp.resolve("data")))
                .primary(true)
                .commitGate(gate)
                .open();
        SqliteMirror sqlite = new SqliteMirror(tmp, Mode.DELETE, 4096, 2)) {
      store.addListener(e -> order.add("listener txid=" + e.pos().txid() + " " + e.cause()));
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      assertThat(order).containsExactly("listener txid=1 COMMIT", "gate txid=1 durable=true");
      failGate[0] = true;
      List<SqliteMirror.Call> calls = sqlite.randomTx();
      assertThatThrownBy(() -> SqliteMirror.run(db, calls)).hasMessageContaining("acknowledge");
      assertThat(db.pos().txid()).isEqualTo(2);
      // the gate runs before the journal is invalidated: it stays hot, so SQLite rolls back
      // (docs/SYNC.md, "fallback: fail")
      assertThat(db.exists(FileKind.JOURNAL)).isTrue();
    }
  }

  @Test
  void walCommitFailureAfterTheLockReleaseGoesToTheFatalHandler() throws Exception {
    List<String> fatal = new ArrayList<>();
    FaultyFileOps ops = new FaultyFileOps();
    try (Store store =
            Store.builder(StoreOptions.defaults(tmp.resolve("data")))
                .primary(true)
                .fileOps(ops)
                .fatalHandler((db, what, cause) -> fatal.add(db + ": " + cause.getMessage()))
                .open();
        SqliteMirror sqlite = new SqliteMirror(tmp, Mode.WAL, 4096, 3)) {
      Db db = store.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      List<SqliteMirror.Call> calls = sqlite.randomTx();
      Pos before = db.pos();
      // The primary names the LTX file on the naming thread after the lock release returned
      // (LtxNamer): fail its rename there. SQLite has committed; the file is derived at next open.
      ops.armLabel("WAL_NAME:LTX_RENAME", FaultyFileOps.Action.FAIL);
      SqliteMirror.run(db, calls);
      assertThatThrownBy(db::drainNaming)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("can no longer be named");
      assertThat(fatal)
          .singleElement()
          .asString()
          .isEqualTo("app.db: injected failure at WAL_NAME:LTX_RENAME");
      assertThat(db.pos()).isEqualTo(before);
      assertThat(db.committedPos().txid()).isEqualTo(before.txid() + 1);
      assertThat(db.locks().isWriteLocked(LockFile.SHM, LockBytes.WAL_WRITE)).isFalse();
    }
  }
}
