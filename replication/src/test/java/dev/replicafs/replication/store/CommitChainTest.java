package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.StoreTesting.applyAll;
import static dev.replicafs.replication.store.StoreTesting.bytes;
import static dev.replicafs.replication.store.StoreTesting.checksumFromScratch;
import static dev.replicafs.replication.store.StoreTesting.integrityCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.DatabaseImage;
import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real SQLite transactions (random inserts, updates, deletes, growth, VACUUM shrinks, WAL
 * checkpoints and restarts) reach the store through the seam in each journal mode; the LTX files it
 * writes, applied in order to an empty database, give a byte-identical database.
 */
class CommitChainTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} page size {1}")
  @CsvSource({
    "DELETE,4096",
    "TRUNCATE,4096",
    "PERSIST,1024",
    "WAL,4096",
    "WAL,65536",
    "DELETE,65536"
  })
  void ltxChainReplaysToByteIdenticalDatabase(Mode mode, int pageSize) throws Exception {
    try (Store primary = StoreTesting.open(tmp.resolve("primary"), true);
        Store replica = StoreTesting.open(tmp.resolve("replica"), false);
        SqliteMirror sqlite = new SqliteMirror(tmp, mode, pageSize, 42)) {
      Db db = primary.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      long commits = db.pos().txid();
      for (int i = 0; i < 30; i++) {
        List<SqliteMirror.Call> calls = i % 11 == 10 ? sqlite.vacuum() : sqlite.randomTx();
        SqliteMirror.run(db, calls);
        if (mode == Mode.WAL && i % 7 == 6) {
          SqliteMirror.run(db, sqlite.checkpoint());
        }
      }
      if (mode == Mode.WAL) {
        SqliteMirror.run(db, sqlite.checkpoint());
      }
      db.drainNaming();
      assertThat(db.pos().txid()).isGreaterThan(commits + 20);
      byte[] real = sqlite.databaseBytes();
      assertThat(bytes(db.path(FileKind.DATABASE))).isEqualTo(real);
      assertThat(db.pos().postApplyChecksum()).isEqualTo(checksumFromScratch(sqlite.real));
      List<LtxFileName> files = db.ltxFiles();
      // One file per TXID, except WAL commits that queued while the primary named the previous
      // file:
      // those share one file (MinTXID..MaxTXID). Either way the chain is contiguous from 1.
      long expect = 1;
      for (LtxFileName n : files) {
        assertThat(n.minTxid()).as("chain continues at %s", n).isEqualTo(expect);
        expect = n.maxTxid() + 1;
      }
      assertThat(expect - 1).isEqualTo(db.pos().txid());

      Db copy = replica.create("app.db");
      applyAll(db, copy);
      assertThat(copy.pos()).isEqualTo(db.pos());
      assertThat(bytes(copy.path(FileKind.DATABASE))).isEqualTo(real);
      assertThat(integrityCheck(copy.path(FileKind.DATABASE), tmp.resolve("scratch")))
          .isEqualTo("ok");

      Path independent = tmp.resolve("independent.db");
      try (FileChannel ch =
          FileChannel.open(independent, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        for (LtxFileName n : files) {
          try (InputStream in = Files.newInputStream(db.ltxPath(n))) {
            DatabaseImage.apply(in, ch);
          }
        }
      }
      assertThat(bytes(independent)).isEqualTo(real);
    }
  }

  @org.junit.jupiter.api.Test
  void vacuumThatChangesThePageSizeRecordsASnapshotThatReplicasApply() throws Exception {
    try (Store primary = StoreTesting.open(tmp.resolve("primary"), true);
        Store replica = StoreTesting.open(tmp.resolve("replica"), false);
        SqliteMirror sqlite = new SqliteMirror(tmp, Mode.DELETE, 4096, 5)) {
      Db db = primary.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 5; i++) {
        SqliteMirror.run(db, sqlite.randomTx());
      }
      long before = db.pos().txid();
      sqlite.exec("PRAGMA page_size=8192");
      SqliteMirror.run(db, sqlite.vacuum());
      assertThat(db.pageSize()).isEqualTo(8192);
      assertThat(db.pos().txid()).isEqualTo(before + 1);
      assertThat(db.ltxFiles()).containsExactly(new LtxFileName(1, before + 1));
      SqliteMirror.run(db, sqlite.randomTx());
      Db copy = replica.create("app.db");
      applyAll(db, copy);
      assertThat(copy.pos()).isEqualTo(db.pos());
      assertThat(bytes(copy.path(FileKind.DATABASE))).isEqualTo(sqlite.databaseBytes());
    }
  }

  @org.junit.jupiter.api.Test
  void switchingFromWalBackToDeleteModeKeepsTheChain() throws Exception {
    try (Store primary = StoreTesting.open(tmp.resolve("primary"), true);
        Store replica = StoreTesting.open(tmp.resolve("replica"), false);
        SqliteMirror sqlite = new SqliteMirror(tmp, Mode.WAL, 4096, 8)) {
      Db db = primary.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 5; i++) {
        SqliteMirror.run(db, sqlite.randomTx());
      }
      assertThat(db.isWalMode()).isTrue();
      SqliteMirror.run(db, sqlite.statement("PRAGMA journal_mode=DELETE"));
      assertThat(db.isWalMode()).isFalse();
      assertThat(db.exists(FileKind.WAL)).isFalse();
      for (int i = 0; i < 5; i++) {
        SqliteMirror.run(db, sqlite.randomTx());
      }
      byte[] real = sqlite.databaseBytes();
      assertThat(bytes(db.path(FileKind.DATABASE))).isEqualTo(real);
      assertThat(db.pos().postApplyChecksum()).isEqualTo(checksumFromScratch(sqlite.real));
      Db copy = replica.create("app.db");
      applyAll(db, copy);
      assertThat(bytes(copy.path(FileKind.DATABASE))).isEqualTo(real);
    }
  }
}
