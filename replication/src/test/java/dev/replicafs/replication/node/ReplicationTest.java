package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.FileKind;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real nodes (stores on disk, node API on loopback) replicating real SQLite transactions. Primaries
 * are written through the store seam by {@link SqliteWorkload}.
 */
class ReplicationTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(Mode.class)
  void twoReplicasConvergeByteForByteAndVerifyTheirChains(Mode mode) throws Exception {
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1);
        TestNode r1 = TestNode.open(tmp.resolve("r1"), 2);
        TestNode r2 = TestNode.open(tmp.resolve("r2"), 3)) {
      p.node.becomePrimary();
      r1.node.becomeReplica(p.info());
      r2.node.becomeReplica(p.info());
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), mode, 1, true)) {
        for (int i = 0; i < 40; i++) {
          w.randomTx();
          if (i == 25) {
            w.vacuum();
          }
        }
        if (mode == Mode.WAL) {
          w.checkpoint();
        }
      }
      awaitConverged(p, "app.db", r1, r2);
      byte[] primaryBytes = Files.readAllBytes(db.path(FileKind.DATABASE));
      for (TestNode r : List.of(r1, r2)) {
        Db rdb = r.db("app.db");
        assertThat(Files.readAllBytes(rdb.path(FileKind.DATABASE))).isEqualTo(primaryBytes);
        LtxChain.verify(rdb);
        assertThat(export(r, "app.db")).isEqualTo(export(p, "app.db"));
      }
      LtxChain.verify(db);
    }
  }

  @Test
  void lateJoinerGetsASnapshotThenIncrementalFiles() throws Exception {
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1);
        TestNode r = TestNode.open(tmp.resolve("r"), 2)) {
      p.node.becomePrimary();
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 2, true)) {
        for (int i = 0; i < 10; i++) {
          w.randomTx();
        }
        long before = db.pos().txid();
        r.node.becomeReplica(p.info());
        awaitConverged(p, "app.db", r);
        for (int i = 0; i < 5; i++) {
          w.randomTx();
        }
        awaitConverged(p, "app.db", r);
        List<LtxHeader> chain = LtxChain.verify(r.db("app.db"));
        assertThat(chain.get(0).isSnapshot()).isTrue();
        assertThat(chain.get(0).maxTxid()).isGreaterThanOrEqualTo(before);
        assertThat(chain.subList(1, chain.size())).hasSize(5).noneMatch(LtxHeader::isSnapshot);
      }
      assertThat(metric(p, "litefs_http_frame_send_count{db=\"app.db\",type=\"ltx:snapshot\"}"))
          .isEqualTo(1.0);
    }
  }

  @Test
  void replicaRestartedMidStreamResumesFromItsPositionWithoutASnapshot() throws Exception {
    Path rdir = tmp.resolve("r");
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1)) {
      p.node.becomePrimary();
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.WAL, 3, true)) {
        w.randomTx();
        java.util.concurrent.atomic.AtomicReference<Exception> failed =
            new java.util.concurrent.atomic.AtomicReference<>();
        Thread writer =
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < 60; i++) {
                      w.randomTx();
                    }
                  } catch (Exception e) {
                    failed.set(e);
                  }
                },
                "test-writer");
        try (TestNode r = TestNode.open(rdir, 2)) {
          r.node.becomeReplica(p.info());
          awaitConverged(p, "app.db", r);
          long start = db.pos().txid();
          writer.start();
          Await.until(
              "replica applied some of the stream",
              () -> r.db("app.db").pos().txid() >= start + 10);
        } // stopped while the primary keeps committing and streaming
        try (TestNode r = TestNode.open(rdir, 2)) {
          r.node.becomeReplica(p.info());
          writer.join(60_000);
          assertThat(failed.get()).isNull();
          awaitConverged(p, "app.db", r);
          LtxChain.verify(r.db("app.db"));
        }
      }
      assertThat(metric(p, "litefs_http_frame_send_count{db=\"app.db\",type=\"ltx:snapshot\"}"))
          .isEqualTo(1.0);
    }
  }

  @Test
  void replicaWhoseNextFileRetentionRemovedGetsASnapshot() throws Exception {
    Path rdir = tmp.resolve("r");
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1, Duration.ZERO, Set.of())) {
      p.node.becomePrimary();
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 4, true)) {
        w.randomTx();
        try (TestNode r = TestNode.open(rdir, 2)) {
          r.node.becomeReplica(p.info());
          awaitConverged(p, "app.db", r);
        }
        for (int i = 0; i < 5; i++) {
          w.randomTx();
        }
        p.store.enforceRetention();
        assertThat(db.ltxFiles()).hasSize(1);
        try (TestNode r = TestNode.open(rdir, 2)) {
          r.node.becomeReplica(p.info());
          awaitConverged(p, "app.db", r);
          assertThat(LtxChain.verify(r.db("app.db")).get(0).isSnapshot()).isTrue();
        }
      }
      assertThat(metric(p, "litefs_http_frame_send_count{db=\"app.db\",type=\"ltx:snapshot\"}"))
          .isEqualTo(2.0);
    }
  }

  @Test
  void oldPrimaryWithDivergentTransactionsIsResnapshottedAsReplica() throws Exception {
    try (TestNode a = TestNode.open(tmp.resolve("a"), 1);
        TestNode b = TestNode.open(tmp.resolve("b"), 2)) {
      a.node.becomePrimary();
      b.node.becomeReplica(a.info());
      Db adb = a.store.create("app.db");
      Path bScratch = tmp.resolve("wb");
      try (SqliteWorkload wa = SqliteWorkload.start(adb, tmp.resolve("wa"), Mode.DELETE, 5, true)) {
        for (int i = 0; i < 5; i++) {
          wa.randomTx();
        }
        awaitConverged(a, "app.db", b);
        Files.createDirectories(bScratch);
        Files.copy(wa.sqliteFile(), bScratch.resolve("real.db"));
        // a is cut off from b and keeps committing: transactions nobody else has
        b.node.becomePrimary();
        wa.randomTx();
        wa.randomTx();
      }
      long divergentTxid = adb.pos().txid();
      Db bdb = b.db("app.db");
      try (SqliteWorkload wb = SqliteWorkload.start(bdb, bScratch, Mode.DELETE, 6, false)) {
        wb.randomTx();
        wb.randomTx();
      }
      assertThat(bdb.pos().txid()).isEqualTo(divergentTxid);
      assertThat(bdb.pos()).isNotEqualTo(adb.pos());
      a.node.becomeReplica(b.info());
      awaitConverged(b, "app.db", a);
      assertThat(Files.readAllBytes(adb.path(FileKind.DATABASE)))
          .isEqualTo(Files.readAllBytes(bdb.path(FileKind.DATABASE)));
      assertThat(LtxChain.verify(adb).get(0).isSnapshot()).isTrue();
    }
  }

  @Test
  void creationDeletionAndSeveralDatabasesReplicateAndFilterLimitsThem() throws Exception {
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1);
        TestNode r = TestNode.open(tmp.resolve("r"), 2);
        TestNode only =
            TestNode.open(tmp.resolve("o"), 3, Duration.ofMinutes(10), Set.of("b.db"))) {
      p.node.becomePrimary();
      r.node.becomeReplica(p.info());
      only.node.becomeReplica(p.info());
      Db a = p.store.create("a.db");
      Db b = p.store.create("b.db");
      try (SqliteWorkload wa = SqliteWorkload.start(a, tmp.resolve("wa"), Mode.TRUNCATE, 7, true);
          SqliteWorkload wb = SqliteWorkload.start(b, tmp.resolve("wb"), Mode.WAL, 8, true)) {
        for (int i = 0; i < 10; i++) {
          wa.randomTx();
          wb.randomTx();
        }
        wa.tx("DELETE FROM t");
        wa.vacuum();
      }
      awaitConverged(p, "a.db", r);
      awaitConverged(p, "b.db", r, only);
      assertThat(Files.size(r.db("a.db").path(FileKind.DATABASE)))
          .isEqualTo(Files.size(a.path(FileKind.DATABASE)));
      assertThat(only.store.db("a.db")).isEmpty();

      p.store.drop("a.db");
      awaitConverged(p, "a.db", r);
      assertThat(Files.exists(r.db("a.db").path(FileKind.DATABASE))).isFalse();
      assertThat(r.db("a.db").pageCount()).isZero();
      LtxChain.verify(r.db("a.db"));
    }
  }

  @Test
  void demotionEndsOpenStreamsAndTheOldPrimaryRefusesNewOnes() throws Exception {
    try (TestNode p = TestNode.open(tmp.resolve("p"), 1);
        TestNode r = TestNode.open(tmp.resolve("r"), 2)) {
      p.node.becomePrimary();
      r.node.becomeReplica(p.info());
      Db db = p.store.create("app.db");
      try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 9, true)) {
        w.randomTx();
      }
      awaitConverged(p, "app.db", r);
      var client = r.node.replica().orElseThrow();
      Await.until("replica ready", client::isReady);
      p.node.becomeReplica(r.info());
      Await.until(
          "the old primary refuses the reconnect",
          () -> client.lastError().map(e -> e.contains("503")).orElse(false));
      assertThat(client.lastError().get()).contains("not the primary");
    }
  }

  static void awaitConverged(TestNode primary, String name, TestNode... replicas)
      throws InterruptedException {
    Db db = primary.db(name);
    for (TestNode r : replicas) {
      Await.until(
          name + " on node " + r.id + " reaches " + db.pos(),
          () -> r.store.db(name).map(d -> d.pos().equals(db.pos())).orElse(false));
    }
  }

  static byte[] export(TestNode n, String name) throws IOException, InterruptedException {
    return export(n, name, dev.replicafs.replication.http.NodeSecurity.NONE);
  }

  static byte[] export(
      TestNode n, String name, dev.replicafs.replication.http.NodeSecurity security)
      throws IOException, InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new NodeClient(n.node.server().url(), 99, security).export(name, out);
    return out.toByteArray();
  }

  /** One sample of the node's /metrics, by its full series text. */
  static double metric(TestNode n, String series) throws IOException, InterruptedException {
    java.net.http.HttpResponse<String> res =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(n.node.server().url().resolve("/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    for (String line : res.body().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series + " in:\n" + res.body());
  }
}
