package dev.replicafs.replication.store;

import static dev.replicafs.replication.store.StoreTesting.bytes;
import static dev.replicafs.replication.store.StoreTesting.checksumFromScratch;
import static dev.replicafs.replication.store.StoreTesting.integrityCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.SqliteMirror.Mode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A snapshot streamed while commits (growth, VACUUM, WAL checkpoints and restarts) run in another
 * thread describes exactly the position it captured: applied to an empty database it gives that
 * position's bytes, and the commits' LTX files apply on top of it.
 */
class SnapshotTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DELETE", "WAL"})
  void snapshotUnderConcurrentCommitsIsConsistent(Mode mode) throws Exception {
    ExecutorService writer =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "snapshot-test-writer"));
    try (Store primary = StoreTesting.open(tmp.resolve("primary"), true);
        Store replica = StoreTesting.open(tmp.resolve("replica"), false);
        SqliteMirror sqlite = new SqliteMirror(tmp, mode, 4096, 99)) {
      Db db = primary.create("app.db");
      SqliteMirror.run(db, sqlite.init());
      for (int i = 0; i < 8; i++) {
        SqliteMirror.run(
            db,
            sqlite.tx(
                "INSERT INTO t(v) WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n"
                    + " WHERE x < 100) SELECT randomblob(3000) FROM n"));
      }
      // About 2.4 MB: the snapshot streams in several 1 MiB batches, so the commits below
      // overwrite and drop pages it has not read yet.
      db.drainNaming();
      byte[] atCapture = bytes(db.path(FileKind.DATABASE));
      Pos captured = db.pos();
      List<List<SqliteMirror.Call>> later = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        later.add(i % 4 == 3 ? sqlite.vacuum() : sqlite.randomTx());
        later.add(sqlite.tx("DELETE FROM t WHERE id % 3 = " + (i % 3)));
        if (mode == Mode.WAL && i % 3 == 2) {
          later.add(sqlite.checkpoint());
        }
      }
      if (mode == Mode.WAL) {
        later.add(sqlite.checkpoint());
      }

      ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
      OutputStream interleaving =
          new OutputStream() {
            private boolean ran;

            @Override
            public void write(int b) {
              snapshot.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              snapshot.write(b, off, len);
              if (!ran && snapshot.size() > 200_000) {
                ran = true;
                Future<?> f =
                    writer.submit(
                        () -> {
                          for (List<SqliteMirror.Call> calls : later) {
                            SqliteMirror.run(db, calls);
                          }
                          return null;
                        });
                try {
                  f.get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                  throw new IOException(e);
                }
              }
            }
          };
      LtxHeader h = db.writeSnapshot(interleaving);
      assertThat(h.maxTxid()).isEqualTo(captured.txid());
      assertThat(db.pos().txid())
          .as("commits ran during the snapshot")
          .isGreaterThan(captured.txid() + 10);

      Db copy = replica.create("app.db");
      assertThat(copy.apply(new ByteArrayInputStream(snapshot.toByteArray()))).isEqualTo(captured);
      Path copyFile = copy.path(FileKind.DATABASE);
      assertThat(checksumFromScratch(copyFile)).isEqualTo(captured.postApplyChecksum());
      if (mode != Mode.WAL) {
        assertThat(bytes(copyFile)).isEqualTo(atCapture);
      }
      assertThat(integrityCheck(copyFile, tmp.resolve("scratch"))).isEqualTo("ok");

      for (LtxFileName n : db.ltxFiles()) {
        if (n.minTxid() > captured.txid()) {
          try (InputStream in = Files.newInputStream(db.ltxPath(n))) {
            copy.apply(in);
          }
        }
      }
      assertThat(copy.pos()).isEqualTo(db.pos());
      assertThat(bytes(copyFile)).isEqualTo(sqlite.databaseBytes());
    } finally {
      writer.shutdownNow();
    }
  }
}
