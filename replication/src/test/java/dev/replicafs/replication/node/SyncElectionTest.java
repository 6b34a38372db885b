package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replicafs.lease.etcd.EtcdProcess;
import dev.replicafs.replication.http.NodeSecurity;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.role.RoleState;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.DiskFileOps;
import dev.replicafs.replication.store.FileOps;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.store.StoreOptions;
import dev.replicafs.replication.stream.StreamFrame;
import dev.replicafs.replication.sync.PeerElection;
import dev.replicafs.replication.sync.SyncOptions;
import dev.replicafs.replication.sync.SyncReplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The election step of synchronous replication (docs/SYNC.md, "Election step") on real {@link
 * ClusterNode}s: real stores, node API and streams on loopback, one real etcd, {@code sync: one}.
 * The primary announces its replicas (PEERS), candidates read each other's {@code GET /info}
 * positions, the replica that lacks acknowledged commits is refused, a candidate that cannot reach
 * enough peers waits (also after a restart, from its saved replica list) until they answer or
 * {@code POST /promote} overrides it. Every test checks that no two nodes said PRIMARY at once.
 */
class SyncElectionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration TTL = Duration.ofSeconds(5);
  private static final String DB = "app.db";
  private static EtcdProcess etcd;

  @TempDir Path tmp;
  private final String key = "/sync-election-test/" + UUID.randomUUID();
  private final ClusterNodes nodes = new ClusterNodes();

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdProcess.start();
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    nodes.closeAll();
  }

  private ClusterTestNode node(String name, long id, FileOps disk, int port) throws Exception {
    SyncReplication gate =
        new SyncReplication(
            new SyncOptions(
                SyncOptions.Mode.ONE, Duration.ofSeconds(5), SyncOptions.Fallback.FAIL));
    ClusterTestNode n =
        ClusterTestNode.etcd(
            etcd.endpoint(), key, TTL, name, id, true, tmp.resolve(name), gate, disk, port);
    return nodes.add(n);
  }

  private ClusterTestNode node(String name, long id) throws Exception {
    return node(name, id, DiskFileOps.INSTANCE, 0);
  }

  private void shut(ClusterTestNode n) throws Exception {
    nodes.shut(n);
  }

  /** Starts p, then a and b as its replicas; waits until both were told about each other. */
  private void startCluster(ClusterTestNode p, ClusterTestNode a, ClusterTestNode b)
      throws Exception {
    nodes.sample();
    p.start();
    Await.until("p primary", WAIT, p::isPrimary);
    a.start();
    b.start();
    for (ClusterTestNode r : List.of(a, b)) {
      assertThat(r.node.awaitReady(WAIT)).as(r.name + " ready").isTrue();
      Await.until(
          r.name + " knows both replicas",
          WAIT,
          () ->
              r.node
                  .election()
                  .peers()
                  .filter(x -> x.known() == 2 && x.peers().size() == 2)
                  .isPresent());
    }
    StreamFrame.Peers told = a.node.election().peers().orElseThrow();
    assertThat(told.peers())
        .extracting(StreamFrame.Peer::advertiseUrl)
        .containsExactlyInAnyOrder(a.leaser.advertiseUrl(), b.leaser.advertiseUrl());
  }

  private static void write(SqliteWorkload w, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      w.randomTx();
    }
  }

  private static void awaitConverged(ClusterTestNode primary, ClusterTestNode... rs)
      throws InterruptedException {
    ClusterNodes.awaitConverged(primary, DB, WAIT, rs);
  }

  private static ClusterTestNode awaitOnePrimary(List<ClusterTestNode> among)
      throws InterruptedException {
    return ClusterNodes.awaitOnePrimary(among, WAIT);
  }

  private static boolean refused(ClusterTestNode n, String because) {
    return n.node.state() instanceof RoleState.Joining j
        && j.reason().startsWith("election step refused")
        && j.reason().contains(because);
  }

  @Test
  void theReplicaBehindIsRefusedAndTheOneWithEveryAcknowledgedCommitBecomesPrimary()
      throws Exception {
    StallableFileOps bDisk = new StallableFileOps();
    ClusterTestNode p = node("node-p", 1);
    ClusterTestNode a = node("node-a", 2);
    ClusterTestNode b = node("node-b", 3, bDisk, 0);
    startCluster(p, a, b);
    Db db = p.store.create(DB);
    Pos acked;
    try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 1, true)) {
      write(w, 3);
      awaitConverged(p, a, b);
      bDisk.stall(); // b stops applying: from now on only a acknowledges
      write(w, 5);
      acked = db.pos();
    }
    assertThat(a.pos(DB)).as("sync one: a acknowledged every commit").isEqualTo(acked);
    assertThat(b.pos(DB).txid()).isLessThan(acked.txid());

    JsonNode info = a.client().info().path("positions").path(DB);
    assertThat(info.path("txid").asText()).isEqualTo(String.format("%016x", acked.txid()));
    assertThat(info.path("checksum").asText())
        .isEqualTo(String.format("%016x", acked.postApplyChecksum()));

    assertThat(b.node.election().refusal())
        .as("b lacks acknowledged commits")
        .hasValueSatisfying(r -> assertThat(r).contains("is ahead on db=" + DB));
    assertThat(a.node.election().refusal()).as("a holds every acknowledged commit").isEmpty();

    bDisk.resume();
    shut(p);
    assertThat(awaitOnePrimary(List.of(a, b))).isSameAs(a);
    assertThat(a.pos(DB)).isEqualTo(acked);
    Await.until("b follows a", WAIT, () -> b.isReplicaOf(a));
    awaitConverged(a, b);
  }

  @Test
  void aCandidateWaitsForEnoughPeersAlsoAfterARestartFromItsSavedList() throws Exception {
    ClusterTestNode p = node("node-p", 1);
    ClusterTestNode a = node("node-a", 2);
    ClusterTestNode b = node("node-b", 3);
    startCluster(p, a, b);
    Db db = p.store.create(DB);
    Pos acked;
    try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.DELETE, 2, true)) {
      write(w, 3);
      awaitConverged(p, a, b);
      int bPort = b.port;
      shut(b); // b stays known to p (k = 2) but misses what follows
      write(w, 5);
      acked = db.pos();
      shut(p);
      Await.until(
          "a refused: b, which may hold acknowledged commits, does not answer",
          WAIT,
          () -> refused(a, "reached 1 of the 2 replicas needed"));
      assertThat(a.isPrimary()).isFalse();

      // b restarts on its data dir and port: its saved list names a, which is ahead
      ClusterTestNode b2 = node("node-b", 3, DiskFileOps.INSTANCE, bPort);
      assertThat(b2.node.election().peers()).as("replica list saved on disk").isPresent();
      assertThat(b2.node.election().refusal())
          .hasValueSatisfying(r -> assertThat(r).contains("is ahead"));
      b2.start();
      assertThat(awaitOnePrimary(List.of(a, b2))).isSameAs(a);
      assertThat(a.pos(DB)).isEqualTo(acked);
      Await.until("b follows a", WAIT, () -> b2.isReplicaOf(a));
      awaitConverged(a, b2);
    }
  }

  @Test
  void promoteOverridesTheRuleWhenTooFewPeersAnswer() throws Exception {
    ClusterTestNode p = node("node-p", 1);
    ClusterTestNode a = node("node-a", 2);
    ClusterTestNode b = node("node-b", 3);
    startCluster(p, a, b);
    try (SqliteWorkload w =
        SqliteWorkload.start(p.store.create(DB), tmp.resolve("w"), Mode.DELETE, 3, true)) {
      write(w, 2);
    }
    shut(b);
    shut(p);
    Await.until("a refused", WAIT, () -> refused(a, "reached 1 of the 2"));
    a.node.promote().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(a.isPrimary()).isTrue();
  }

  @Test
  void withSyncNoneTheStepAllowsWithoutAskingAnyone() throws Exception {
    try (Store store =
        Store.builder(StoreOptions.defaults(tmp.resolve("s")).withNodeId(1)).open()) {
      PeerElection e = new PeerElection(1, store, NodeSecurity.NONE);
      // a peer that cannot answer (port 1 on loopback)
      e.announced(
          new StreamFrame.Peers(
              2,
              List.of(
                  new StreamFrame.Peer(1, true, "http://127.0.0.1:1"),
                  new StreamFrame.Peer(2, true, "http://127.0.0.1:1"))));
      assertThat(e.refusal()).isEmpty();
      e.mode(SyncOptions.Mode.ONE);
      assertThat(e.refusal())
          .hasValueSatisfying(
              r -> assertThat(r).contains("reached 1 of the 2").contains("unreachable"));
      e.mode(SyncOptions.Mode.QUORUM); // W = 2 of k = 2: every acknowledged commit is on this node
      assertThat(e.refusal()).isEmpty();
      assertThat(new PeerElection(1, store, NodeSecurity.NONE).peers())
          .as("the announcement was saved")
          .isEqualTo(e.peers());
    }
  }
}
