package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.store.CommitGate;
import dev.replicafs.replication.store.CommitNotConfirmedException;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.DiskFileOps;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.sync.SyncOptions;
import dev.replicafs.replication.sync.SyncOptions.Fallback;
import dev.replicafs.replication.sync.SyncReplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Synchronous replication (docs/SYNC.md) on real nodes: real stores, the node API and the ack
 * channel on loopback, real SQLite transactions replayed through the store seam. A replica "stops
 * acknowledging" by having its disk stall in the fsync of the received LTX file.
 */
class SyncReplicationTest {
  @TempDir Path tmp;

  private static SyncReplication gate(SyncOptions.Mode mode, Duration timeout, Fallback f) {
    return new SyncReplication(new SyncOptions(mode, timeout, f));
  }

  private TestNode primary(SyncReplication gate) throws Exception {
    TestNode p = TestNode.open(tmp.resolve("p"), 1, gate, DiskFileOps.INSTANCE);
    p.node.sync(gate);
    p.node.becomePrimary();
    return p;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void withOneEveryCommitIsOnTheReplicaWhenItReturns(Mode mode) throws Exception {
    SyncReplication gate = gate(SyncOptions.Mode.ONE, Duration.ofSeconds(10), Fallback.FAIL);
    try (TestNode p = primary(gate);
        TestNode r = TestNode.open(tmp.resolve("r"), 2)) {
      follow(r, p);
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), mode, 7, true)) {
        for (int i = 0; i < 30; i++) {
          w.randomTx();
          // no waiting: the commit returned, so the replica already has it durably
          assertThat(r.db("app.db").pos()).isEqualTo(db.pos());
        }
      }
      assertThat(gate.commits("acked")).isEqualTo(db.pos().txid());
      assertThat(gate.commits("degraded") + gate.commits("failed")).isZero();
      LtxChain.verify(r.db("app.db"));
    }
  }

  @Test
  void quorumOfTwoReplicasIsBothOfThem() throws Exception {
    SyncReplication gate = gate(SyncOptions.Mode.QUORUM, Duration.ofSeconds(10), Fallback.FAIL);
    try (TestNode p = primary(gate);
        TestNode r1 = TestNode.open(tmp.resolve("r1"), 2);
        TestNode r2 = TestNode.open(tmp.resolve("r2"), 3)) {
      follow(r1, p);
      follow(r2, p);
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.WAL, 8, true)) {
        for (int i = 0; i < 20; i++) {
          w.randomTx();
          assertThat(r1.db("app.db").pos()).isEqualTo(db.pos());
          assertThat(r2.db("app.db").pos()).isEqualTo(db.pos());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DELETE", "WAL"})
  void aStalledReplicaDegradesToAsyncAndSyncComesBackWithIt(Mode mode) throws Exception {
    SyncReplication gate = gate(SyncOptions.Mode.ONE, Duration.ofSeconds(1), Fallback.ASYNC);
    StallableFileOps disk = new StallableFileOps();
    try (TestNode p = primary(gate);
        TestNode r = TestNode.open(tmp.resolve("r"), 2, CommitGate.NONE, disk)) {
      follow(r, p);
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), mode, 9, true)) {
        w.randomTx();
        assertThat(r.db("app.db").pos()).isEqualTo(db.pos());
        assertThat(metric(p, "replicafs_sync_degraded")).isEqualTo(0.0);

        disk.stall();
        w.randomTx(); // waits the time-out, then succeeds
        Pos timedOut = db.pos();
        assertThat(gate.degraded()).isTrue();
        assertThat(metric(p, "replicafs_sync_degraded")).isEqualTo(1.0);
        assertThat(metric(p, "replicafs_sync_timeouts_total{fallback=\"async\"}")).isEqualTo(1.0);
        for (int i = 0; i < 5; i++) {
          w.randomTx(); // degraded: returns without waiting for the stalled replica
        }
        assertThat(disk.blocked()).isTrue();
        assertThat(r.db("app.db").pos().txid()).isLessThan(timedOut.txid());
        // every commit from the timed-out one on (a transaction that changed nothing has none)
        assertThat(gate.commits("degraded")).isEqualTo(db.pos().txid() - timedOut.txid() + 1);

        disk.resume();
        Await.until("sync replication restored", () -> !gate.degraded());
        assertThat(metric(p, "replicafs_sync_degraded")).isEqualTo(0.0);
        Await.until("replica catches up", () -> r.db("app.db").pos().equals(db.pos()));
        long acked = gate.commits("acked");
        w.randomTx();
        assertThat(gate.commits("acked")).isEqualTo(acked + 1);
        assertThat(r.db("app.db").pos()).isEqualTo(db.pos());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DELETE", "TRUNCATE", "PERSIST"})
  void aFailedCommitIsRolledBackOnThePrimaryAndOnTheReplica(Mode mode) throws Exception {
    SyncReplication gate = gate(SyncOptions.Mode.ONE, Duration.ofSeconds(1), Fallback.FAIL);
    StallableFileOps disk = new StallableFileOps();
    try (TestNode p = primary(gate);
        TestNode r = TestNode.open(tmp.resolve("r"), 2, CommitGate.NONE, disk)) {
      follow(r, p);
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), mode, 10, true)) {
        for (int i = 0; i < 5; i++) {
          w.randomTx();
        }
        Pos before = db.pos();
        byte[] bytesBefore = Files.readAllBytes(db.path(FileKind.DATABASE));

        disk.stall();
        assertThatThrownBy(w::randomTx).isInstanceOf(CommitNotConfirmedException.class);
        assertThat(db.pos().txid()).isEqualTo(before.txid() + 1); // N is recorded ...
        assertThat(db.exists(FileKind.JOURNAL)).isTrue(); // ... and the journal is still hot
        assertThat(gate.commits("failed")).isEqualTo(1);
        assertThat(metric(p, "replicafs_sync_timeouts_total{fallback=\"fail\"}")).isEqualTo(1.0);

        // SQLite rolls the hot journal back through the mount; not gated, the replica is away
        HotJournal.rollback(db, tmp.resolve("rollback"), mode);
        assertThat(db.pos().txid()).isEqualTo(before.txid() + 2);
        assertThat(db.pos().postApplyChecksum()).isEqualTo(before.postApplyChecksum());
        assertThat(Files.readAllBytes(db.path(FileKind.DATABASE))).isEqualTo(bytesBefore);

        disk.resume();
        Await.until("replica has the revert", () -> r.db("app.db").pos().equals(db.pos()));
        assertThat(Files.readAllBytes(r.db("app.db").path(FileKind.DATABASE)))
            .isEqualTo(bytesBefore);
        LtxChain.verify(r.db("app.db"));
        assertThat(gate.commits("acked")).isEqualTo(before.txid());
      }
    }
  }

  @Test
  void inWalModeAnUnconfirmedCommitStaysCommittedAndTheNodeRuns() throws Exception {
    SyncReplication gate = gate(SyncOptions.Mode.ONE, Duration.ofSeconds(1), Fallback.FAIL);
    StallableFileOps disk = new StallableFileOps();
    try (TestNode p = primary(gate);
        TestNode r = TestNode.open(tmp.resolve("r"), 2, CommitGate.NONE, disk)) {
      follow(r, p);
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.WAL, 12, true)) {
        w.randomTx();
        disk.stall();
        Pos before = db.pos();
        w.randomTx(); // SQLite already committed: no error can reach it (TestNode fails on fatal)
        assertThat(db.pos().txid()).isEqualTo(before.txid() + 1);
        assertThat(gate.commits("failed")).isEqualTo(1);
        assertThat(gate.degraded()).isFalse();
        disk.resume();
        Await.until("replica catches up", () -> r.db("app.db").pos().equals(db.pos()));
        w.randomTx();
        assertThat(r.db("app.db").pos()).isEqualTo(db.pos());
      }
    }
  }

  /** Follows {@code p} and waits until the stream reached READY (so the primary knows it). */
  private static void follow(TestNode r, TestNode p) throws InterruptedException {
    r.node.becomeReplica(p.info());
    Await.until("replica ready", () -> r.node.replica().map(c -> c.isReady()).orElse(false));
  }

  private static double metric(TestNode n, String series) throws Exception {
    return ReplicationTest.metric(n, series);
  }
}
