package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.primary.ReplicaSession;
import dev.replicafs.replication.primary.SessionListener;
import dev.replicafs.replication.primary.StreamHub;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.DiskFileOps;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.stream.Ack;
import dev.replicafs.replication.stream.PositionMap;
import dev.replicafs.replication.sync.SyncOptions;
import dev.replicafs.replication.sync.SyncReplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How soon a replica acknowledges (docs/PROTOCOL.md, "Acknowledgements"), on real nodes: a primary
 * whose commits do not wait for acknowledgements lets the replica coalesce them over {@code
 * ReplicaFS-Ack-Delay}; one with synchronous replication does not send the header, and every commit
 * is acknowledged before it returns.
 */
class AckDelayTest {
  @TempDir Path tmp;

  @Test
  void withoutSyncTheReplicaCoalescesAcknowledgementsAndStillAcknowledgesTheLastPosition()
      throws Exception {
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1);
        TestNode r = TestNode.open(tmp.resolve("r"), 2)) {
      p.node.becomePrimary();
      StreamHub hub = p.node.server().streams();
      assertThat(hub.ackDelay()).isEqualTo(StreamHub.LAZY_ACK_DELAY);
      assertThat(streamAckDelay(p)).isEqualTo(Duration.ofMillis(10));
      AtomicInteger frames = new AtomicInteger();
      AtomicReference<Pos> last = new AtomicReference<>(Pos.ZERO);
      hub.sessionListener(
          new SessionListener() {
            @Override
            public void opened(ReplicaSession session) {}

            @Override
            public void acked(ReplicaSession session, Ack ack) {
              if (ack.db().equals("app.db")) {
                frames.incrementAndGet();
                last.set(ack.applied());
              }
            }

            @Override
            public void ended(ReplicaSession session) {}
          });
      r.node.becomeReplica(p.info());
      Db db = p.store.create("app.db");
      int commits = 200;
      long t0;
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.WAL, 3, true)) {
        w.randomTx();
        Await.until(
            "replica has the database",
            () -> r.store.db("app.db").map(Db::pos).orElse(Pos.ZERO).equals(db.pos()));
        frames.set(0);
        t0 = System.nanoTime();
        for (int i = 0; i < commits; i++) {
          w.randomTx();
          Thread.sleep(1); // commits spread out, so the replica applies many small groups
        }
      }
      Pos end = db.pos();
      Await.until("last position acknowledged", () -> last.get().equals(end));
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      // A frame at most every 10 ms: bounded by the time, not by the replica's apply groups (with
      // prompt acknowledgements this run sends one per group, several times more).
      assertThat(frames.get())
          .as("ACK frames over %d ms for %d commits", elapsedMs, commits)
          .isBetween(1, (int) (elapsedMs / 10) + 2);
      // and the handoff's flush, which waits on them, completes
      hub.flushTo(2, Duration.ofSeconds(5));
    }
  }

  @Test
  void withSyncThePrimarySendsNoDelayAndEveryCommitIsAcknowledgedWhenItReturns() throws Exception {
    SyncReplication gate =
        new SyncReplication(
            new SyncOptions(
                SyncOptions.Mode.ONE, Duration.ofSeconds(10), SyncOptions.Fallback.FAIL));
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1, gate, DiskFileOps.INSTANCE);
        TestNode r = TestNode.open(tmp.resolve("r"), 2)) {
      p.node.sync(gate);
      p.node.becomePrimary();
      assertThat(p.node.server().streams().ackDelay()).isEqualTo(Duration.ZERO);
      assertThat(streamAckDelay(p)).isEqualTo(Duration.ZERO);
      r.node.becomeReplica(p.info());
      Await.until("replica ready", () -> r.node.replica().map(c -> c.isReady()).orElse(false));
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 5, true)) {
        for (int i = 0; i < 20; i++) {
          w.randomTx();
          assertThat(r.db("app.db").pos()).isEqualTo(db.pos());
        }
      }
      assertThat(gate.commits("acked")).isEqualTo(db.pos().txid());
    }
  }

  /** The {@code ReplicaFS-Ack-Delay} of a stream opened on {@code p} by a client. */
  private static Duration streamAckDelay(TestNode p) throws Exception {
    NodeClient client = new NodeClient(p.node.server().url(), 9, Optional.of(false));
    NodeClient.StreamResponse res =
        client.openStream(new PositionMap(new TreeMap<>()), Set.of(), p.store.clusterId());
    res.body().close();
    return res.ackDelay();
  }
}
