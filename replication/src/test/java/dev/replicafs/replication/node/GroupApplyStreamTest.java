package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.store.CommitGate;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A replica that fell behind applies the frames waiting on its stream as groups
 * (docs/ARCHITECTURE.md, "Apply (replica): files applied in groups"): its disk stalls in the first
 * file's fsync while the primary commits more transactions; once it resumes, those files are
 * applied with fewer database fsyncs than files, and the replica converges byte for byte with a
 * verified LTX chain.
 */
class GroupApplyStreamTest {
  private static final int BEHIND = 40;

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DELETE", "WAL"})
  void aReplicaThatFellBehindCatchesUpInGroups(Mode mode) throws Exception {
    StallableFileOps disk = new StallableFileOps();
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1);
        TestNode r = TestNode.open(tmp.resolve("r"), 2, CommitGate.NONE, disk)) {
      p.node.becomePrimary();
      r.node.becomeReplica(p.info());
      Await.until("replica ready", () -> r.node.replica().map(c -> c.isReady()).orElse(false));
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), mode, 3, true)) {
        w.tx("INSERT INTO t(v) VALUES(randomblob(300))");
        Await.until("replica caught up", () -> at(r, db));
        disk.stall();
        w.tx("INSERT INTO t(v) VALUES(randomblob(300))");
        Await.until("replica stalled in an apply", disk::blocked);
        for (int i = 0; i < BEHIND; i++) {
          w.tx("INSERT INTO t(v) VALUES(randomblob(300))");
        }
        int before = disk.forces("APPLY:DB_FSYNC");
        disk.resume();
        Await.until("replica caught up again", () -> at(r, db));
        int databaseFsyncs = disk.forces("APPLY:DB_FSYNC") - before;
        assertThat(databaseFsyncs)
            .as("database fsyncs for %d files", BEHIND + 1)
            .isLessThan(BEHIND);
        if (mode == Mode.WAL) {
          w.checkpoint();
        }
      }
      Await.until("replica converged", () -> at(r, db));
      assertThat(Files.readAllBytes(r.db("app.db").path(FileKind.DATABASE)))
          .isEqualTo(Files.readAllBytes(db.path(FileKind.DATABASE)));
      LtxChain.verify(r.db("app.db"));
    }
  }

  private static boolean at(TestNode r, Db primary) {
    return r.store.db("app.db").map(d -> d.pos().equals(primary.pos())).orElse(false);
  }
}
