package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.LtxFileName;
import dev.replicafs.replication.replica.ReplicaClient;
import dev.replicafs.replication.store.CommitGate;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
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
      Db db = replicating(p, r);
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

  /**
   * A group ends at what had arrived when its first file was received: files that arrive while the
   * group is still being received wait for the next group rather than hold it back. The replica is
   * stalled first in an apply (ten files B queue up behind it), then in the middle of receiving the
   * B group (ten files C arrive meanwhile): B and C must be applied as two groups, B first. Before
   * 2026-12-06 the replica kept reading while any byte was waiting, so C joined B's group and under
   * a steady stream a group kept receiving while its first file waited (docs/ARCHITECTURE.md,
   * "Apply (replica)").
   */
  @Test
  void aGroupEndsAtWhatHadArrivedWhenItBegan() throws Exception {
    StallableFileOps disk = new StallableFileOps();
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1);
        TestNode r = TestNode.open(tmp.resolve("r"), 2, CommitGate.NONE, disk)) {
      Db db = replicating(p, r);
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 5, true)) {
        w.tx("INSERT INTO t(v) VALUES(randomblob(300))");
        Await.until("replica caught up", () -> at(r, db));
        ReplicaClient client = r.node.replica().orElseThrow();

        disk.stall();
        w.tx("INSERT INTO t(v) VALUES(randomblob(300))");
        Await.until("replica stalled in an apply", disk::blocked);
        int groupsBefore = disk.groups().size();
        long firstB = db.pos().txid() + 1;
        long arrived = client.bytesReceived();
        for (int i = 0; i < 10; i++) {
          w.tx("INSERT INTO t(v) VALUES(randomblob(300))");
        }
        long lastB = db.pos().txid();
        long bBytes = ltxBytes(db, firstB, lastB);
        Await.until("B files arrived", () -> client.bytesReceived() >= arrived + bBytes);

        disk.stallSpool(3);
        disk.resume();
        Await.until("replica stalled receiving the B group", disk::spoolBlocked);
        long arrivedMid = client.bytesReceived();
        for (int i = 0; i < 10; i++) {
          w.tx("INSERT INTO t(v) VALUES(randomblob(300))");
        }
        long lastC = db.pos().txid();
        long cBytes = ltxBytes(db, lastB + 1, lastC);
        Await.until("C files arrived", () -> client.bytesReceived() >= arrivedMid + cBytes);
        disk.resumeSpool();
        Await.until("replica caught up again", () -> at(r, db));

        List<List<Long>> groups = new ArrayList<>();
        for (List<String> g : disk.groups().subList(groupsBefore, disk.groups().size())) {
          List<Long> txids = new ArrayList<>();
          for (String name : g) {
            txids.add(Long.parseUnsignedLong(name.substring(0, 16), 16));
          }
          Collections.sort(txids);
          groups.add(txids);
        }
        assertThat(groups)
            .as("apply groups (first TXID of each file) after the stalled apply")
            .containsExactly(
                range(firstB - 1, firstB - 1), range(firstB, lastB), range(lastB + 1, lastC));
      }
      assertThat(Files.readAllBytes(r.db("app.db").path(FileKind.DATABASE)))
          .isEqualTo(Files.readAllBytes(db.path(FileKind.DATABASE)));
      LtxChain.verify(r.db("app.db"));
    }
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long t = from; t <= to; t++) {
      out.add(t);
    }
    return out;
  }

  /** Bytes of the primary's LTX files of TXIDs {@code from..to} (one file per DELETE commit). */
  private static long ltxBytes(Db db, long from, long to) throws IOException {
    long sum = 0;
    for (LtxFileName f : db.ltxFiles()) {
      if (f.minTxid() >= from && f.maxTxid() <= to) {
        sum += Files.size(db.ltxPath(f));
      }
    }
    return sum;
  }

  /** Makes {@code p} primary and {@code r} its ready replica; creates app.db on the primary. */
  private static Db replicating(TestNode p, TestNode r) throws Exception {
    p.node.becomePrimary();
    r.node.becomeReplica(p.info());
    Await.until("replica ready", () -> r.node.replica().map(c -> c.isReady()).orElse(false));
    return p.store.create("app.db");
  }

  private static boolean at(TestNode r, Db primary) {
    return r.store.db("app.db").map(d -> d.pos().equals(primary.pos())).orElse(false);
  }
}
