package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replicafs.lease.etcd.EtcdProcess;
import dev.replicafs.replication.http.NodeApiException;
import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.role.HandoffException;
import dev.replicafs.replication.role.RoleState;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClusterNode}s with real stores, the node API on loopback, real replication streams and
 * acknowledgements, and one real etcd: election, clean shutdown, handoff under writes, promotion,
 * non-candidates, and a diverged old primary rejoining. Writes are real SQLite transactions
 * replayed on the primary's store ({@link SqliteWorkload}). Every test also checks that no two
 * nodes ever said PRIMARY at once.
 */
class ClusterNodeEtcdTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  // 5 s, not 2 s: on the loaded 2-core test machine the very first renewal against a fresh etcd
  // used to miss the 1.8 s fence (it was scheduled from the monitor's start, not the grant; fixed,
  // docs/LEASES.md §4). These tests are not about the TTL; RoleMachineEtcdTest covers TTL 2 s.
  private static final Duration TTL = Duration.ofSeconds(5);
  private static EtcdProcess etcd;

  @TempDir Path tmp;
  private final String key = "/cluster-test/" + UUID.randomUUID();
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

  private ClusterTestNode node(String name, long id, boolean candidate, Duration ttl)
      throws Exception {
    ClusterTestNode n =
        ClusterTestNode.etcd(etcd.endpoint(), key, ttl, name, id, candidate, tmp.resolve(name));
    return nodes.add(n);
  }

  private ClusterTestNode node(String name, long id) throws Exception {
    return node(name, id, true, TTL);
  }

  /** Closes {@code n} (and forgets it) so a test can reopen its data directory. */
  private void shut(ClusterTestNode n) throws Exception {
    nodes.shut(n);
  }

  private void sample() {
    nodes.sample();
  }

  private static ClusterTestNode awaitOnePrimary(List<ClusterTestNode> among)
      throws InterruptedException {
    return ClusterNodes.awaitOnePrimary(among, WAIT);
  }

  private static void awaitConverged(ClusterTestNode primary, String db, ClusterTestNode... rs)
      throws InterruptedException {
    ClusterNodes.awaitConverged(primary, db, WAIT, rs);
  }

  private static void writeSome(Db db, Path scratch, int count, long seed) throws Exception {
    try (SqliteWorkload w = SqliteWorkload.start(db, scratch, Mode.WAL, seed, true)) {
      for (int i = 0; i < count; i++) {
        w.randomTx();
      }
    }
  }

  /** Same position and the same exported database image (compared by digest, not printed). */
  private static void assertSameDatabase(ClusterTestNode a, ClusterTestNode b, String db)
      throws Exception {
    assertThat(b.pos(db)).isEqualTo(a.pos(db));
    assertThat(exportDigest(b, db))
        .as("%s on %s vs %s", db, b.name, a.name)
        .isEqualTo(exportDigest(a, db));
  }

  private static String exportDigest(ClusterTestNode n, String db) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    n.client().export(db, out);
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
  }

  @Test
  void threeNodesElectExactlyOnePrimaryAndTheOtherTwoReplicate() throws Exception {
    ClusterTestNode a = node("node-a", 1);
    ClusterTestNode b = node("node-b", 2);
    ClusterTestNode c = node("node-c", 3);
    sample();
    a.start();
    b.start();
    c.start();
    List<ClusterTestNode> all = List.of(a, b, c);
    ClusterTestNode p = awaitOnePrimary(all);
    List<ClusterTestNode> replicas = all.stream().filter(n -> n != p).toList();
    for (ClusterTestNode r : replicas) {
      Await.until(r.name + " replica of " + p.name, WAIT, () -> r.isReplicaOf(p));
      assertThat(r.node.awaitReady(WAIT)).isTrue();
      assertThat(r.store.isPrimary()).isFalse();
    }
    assertThat(p.node.awaitReady(Duration.ZERO)).isTrue();
    assertThat(p.store.isPrimary()).isTrue();

    writeSome(p.store.create("app.db"), tmp.resolve("w"), 20, 1);
    awaitConverged(p, "app.db", replicas.toArray(ClusterTestNode[]::new));
    for (ClusterTestNode r : replicas) {
      assertSameDatabase(p, r, "app.db");
      JsonNode info = r.client().info();
      assertThat(info.get("isPrimary").asBoolean()).isFalse();
      assertThat(info.get("candidate").asBoolean()).isTrue();
      assertThat(info.get("primary").get("hostname").asText()).isEqualTo(p.name);
      assertThat(info.get("primary").get("advertiseURL").asText())
          .isEqualTo(p.leaser.advertiseUrl());
    }
    JsonNode info = p.client().info();
    assertThat(info.get("isPrimary").asBoolean()).isTrue();
    assertThat(info.get("primary").get("hostname").asText()).isEqualTo(p.name);
    assertThat(p.store.clusterId()).isPresent();
    for (ClusterTestNode r : replicas) {
      assertThat(r.store.clusterId()).isEqualTo(p.store.clusterId());
    }
  }

  @Test
  void closingThePrimaryHandsOverWithoutWaitingForTheTtlAndItsDataDirRejoinsAsReplica()
      throws Exception {
    // a 60 s TTL: a takeover that waited for the lease to expire would not happen within WAIT
    Duration longTtl = Duration.ofSeconds(60);
    ClusterTestNode a = node("node-a", 1, true, longTtl);
    ClusterTestNode b = node("node-b", 2, true, longTtl);
    sample();
    a.start();
    awaitOnePrimary(List.of(a));
    b.start();
    Await.until("b replica of a", WAIT, () -> b.isReplicaOf(a));
    writeSome(a.store.create("app.db"), tmp.resolve("w1"), 10, 2);
    awaitConverged(a, "app.db", b);

    Path aDir = a.dir;
    shut(a);
    Await.until("b primary", WAIT, b::isPrimary);
    assertThat(b.store.isPrimary()).isTrue();
    Pos handedOver = b.pos("app.db");
    writeSome(b.store.create("more.db"), tmp.resolve("w2"), 5, 3);

    ClusterTestNode again =
        ClusterTestNode.etcd(etcd.endpoint(), key, longTtl, "node-a", 1, true, aDir);
    nodes.add(again);
    again.start();
    Await.until("old primary follows b", WAIT, () -> again.isReplicaOf(b));
    assertThat(again.node.awaitReady(WAIT)).isTrue();
    awaitConverged(b, "app.db", again);
    awaitConverged(b, "more.db", again);
    assertThat(again.pos("app.db")).isEqualTo(handedOver);
    assertSameDatabase(b, again, "more.db");
    assertThat(again.store.isPrimary()).isFalse();
  }

  @Test
  void handoffUnderAConcurrentWriteWorkloadLosesNoCommittedTransaction() throws Exception {
    ClusterTestNode a = node("node-a", 1);
    ClusterTestNode b = node("node-b", 2);
    sample();
    a.start();
    awaitOnePrimary(List.of(a));
    b.start();
    Await.until("b replica of a", WAIT, () -> b.isReplicaOf(a));
    assertThat(b.node.awaitReady(WAIT)).isTrue();
    Db db = a.store.create("app.db");
    AtomicReference<Pos> lastReturned = new AtomicReference<>(Pos.ZERO);
    AtomicInteger commits = new AtomicInteger();
    AtomicReference<Exception> stoppedBy = new AtomicReference<>();
    SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.WAL, 4, true);
    // b's first copy is a snapshot, read under a lock the mirror's WRITE lock would collide with
    // (real SQLite would wait; the mirror fails): let it arrive before the concurrent writes
    w.randomTx();
    awaitConverged(a, "app.db", b);
    Thread writer =
        new Thread(
            () -> {
              try (w) {
                while (true) {
                  w.randomTx();
                  lastReturned.set(db.committedPos());
                  commits.incrementAndGet();
                }
              } catch (Exception e) {
                w.releaseLocks(); // as SQLite rolls back a failed transaction
                stoppedBy.set(e);
              }
            },
            "test-writer");
    writer.start();
    Await.until("some commits", WAIT, () -> commits.get() >= 20 || stoppedBy.get() != null);
    assertThat(stoppedBy.get()).as("writer failed before the handoff").isNull();
    a.node.handoff(b.id).get(30, TimeUnit.SECONDS);
    writer.join(WAIT.toMillis());
    assertThat(writer.isAlive()).isFalse();
    assertThat(stoppedBy.get()).as("the writer was stopped by the refused write").isNotNull();

    Await.until("b primary", WAIT, b::isPrimary);
    Await.until("a replica of b", WAIT, () -> a.isReplicaOf(b));
    Pos last = lastReturned.get();
    Pos onB = b.pos("app.db");
    assertThat(Long.compareUnsigned(onB.txid(), last.txid()))
        .as("every commit that returned on a (last %s) is on b (%s)", last, onB)
        .isGreaterThanOrEqualTo(0);
    assertThat(onB).as("b took over at a's final position").isEqualTo(a.pos("app.db"));
    // the file holding the last returned commit (alone, or with commits that queued behind it)
    assertThat(b.db("app.db").orElseThrow().ltxFiles())
        .anyMatch(n -> n.minTxid() <= last.txid() && last.txid() <= n.maxTxid());
    List<LtxHeader> chain = LtxChain.verify(b.db("app.db").orElseThrow());
    assertThat(chain).isNotEmpty();
    assertSameDatabase(a, b, "app.db");
    assertThat(b.store.isPrimary()).isTrue();
    assertThat(a.store.isPrimary()).isFalse();
  }

  @Test
  void promoteOnAReplicaMakesItPrimaryAndTheOldPrimaryFollowsIt() throws Exception {
    ClusterTestNode a = node("node-a", 1);
    ClusterTestNode b = node("node-b", 2);
    sample();
    a.start();
    awaitOnePrimary(List.of(a));
    b.start();
    Await.until("b replica of a", WAIT, () -> b.isReplicaOf(a));
    writeSome(a.store.create("app.db"), tmp.resolve("w1"), 8, 5);
    awaitConverged(a, "app.db", b);

    b.client().promote(Duration.ofSeconds(30)); // POST /promote
    assertThat(b.isPrimary()).isTrue();
    Await.until("a replica of b", WAIT, () -> a.isReplicaOf(b));
    writeSome(b.store.create("new.db"), tmp.resolve("w2"), 5, 6);
    awaitConverged(b, "new.db", a);
    assertSameDatabase(b, a, "app.db");
    assertSameDatabase(b, a, "new.db");
    // promoting the primary is a no-op that succeeds
    b.node.promote().get(5, TimeUnit.SECONDS);
    assertThat(b.isPrimary()).isTrue();
  }

  @Test
  void aNonCandidateReplicatesButNeverBecomesPrimary() throws Exception {
    ClusterTestNode a = node("node-a", 1);
    ClusterTestNode c = node("node-c", 3, false, TTL);
    sample();
    c.start();
    a.start();
    awaitOnePrimary(List.of(a, c));
    assertThat(a.isPrimary()).isTrue();
    Await.until("c replica of a", WAIT, () -> c.isReplicaOf(a));
    writeSome(a.store.create("app.db"), tmp.resolve("w"), 5, 7);
    awaitConverged(a, "app.db", c);
    assertThat(c.client().info().get("candidate").asBoolean()).isFalse();

    assertThatThrownBy(() -> c.client().promote(Duration.ofSeconds(10)))
        .isInstanceOfSatisfying(
            NodeApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.getMessage()).contains("not a candidate");
            });

    // a handoff to a non-candidate is refused before the lease moves: a stays primary
    assertThatThrownBy(() -> a.node.handoff(c.id).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(HandoffException.class)
        .hasMessageContaining("not a candidate");
    assertThat(a.isPrimary()).isTrue();
    assertThat(a.store.isPrimary()).isTrue();

    shut(a);
    Await.until(
        "c notices the primary is gone", WAIT, () -> c.node.state() instanceof RoleState.Joining);
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(c.isPrimary()).isFalse();
      assertThat(c.store.isPrimary()).isFalse();
      Thread.sleep(20);
    }
    assertThat(c.node.awaitReady(Duration.ofMillis(100))).isFalse();
  }

  @Test
  void anOldPrimaryWithTransactionsNobodyElseHasRejoinsAndIsResnapshotted() throws Exception {
    ClusterTestNode a = node("node-a", 1);
    ClusterTestNode b = node("node-b", 2);
    a.start();
    awaitOnePrimary(List.of(a));
    b.start();
    Await.until("b replica of a", WAIT, () -> b.isReplicaOf(a));
    Db db = a.store.create("app.db");
    try (SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve("w"), Mode.WAL, 8, true)) {
      for (int i = 0; i < 5; i++) {
        w.randomTx();
      }
      awaitConverged(a, "app.db", b);
      Path bDir = b.dir;
      shut(b); // b stops; a goes on alone
      for (int i = 0; i < 5; i++) {
        w.randomTx();
      }
      Pos bHas = null;
      Path aDir = a.dir;
      Pos aHas = a.pos("app.db");
      shut(a); // releases the lease
      ClusterTestNode b2 = ClusterTestNode.etcd(etcd.endpoint(), key, TTL, "node-b", 2, true, bDir);
      nodes.add(b2);
      b2.start();
      Await.until("b primary", WAIT, b2::isPrimary);
      bHas = b2.pos("app.db");
      assertThat(Long.compareUnsigned(aHas.txid(), bHas.txid())).isPositive();
      writeSome(b2.store.create("other.db"), tmp.resolve("w2"), 3, 9);

      ClusterTestNode a2 = ClusterTestNode.etcd(etcd.endpoint(), key, TTL, "node-a", 1, true, aDir);
      nodes.add(a2);
      sample();
      a2.start();
      Await.until("old primary follows b", WAIT, () -> a2.isReplicaOf(b2));
      awaitConverged(b2, "app.db", a2);
      awaitConverged(b2, "other.db", a2);
      assertThat(a2.pos("app.db")).isEqualTo(bHas);
      assertSameDatabase(b2, a2, "app.db");
      List<LtxHeader> chain = LtxChain.verify(a2.db("app.db").orElseThrow());
      assertThat(chain.get(0).isSnapshot())
          .as("a's extra transactions replaced by a snapshot")
          .isTrue();
    }
  }
}
