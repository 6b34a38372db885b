package dev.replicafs.cmd.node;

import static dev.replicafs.cmd.node.ClusterRoles.awaitPrimary;
import static dev.replicafs.cmd.node.ClusterRoles.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.ltx.Pos;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6: failover of real {@code replicafs mount} processes whose lease is held in one real etcd
 * (shared by every test, each cluster under its own key). Writes go through the primary's FUSE
 * mount from this JVM ({@link AckWriter}); nodes are killed (SIGKILL), stopped (SIGTERM) and
 * restarted on their data dirs. A killed primary that committed what no replica received rejoins by
 * snapshot.
 */
class EtcdFailoverTest {
  private static final String DB = "f.db";
  private static final String SENT = "replicafs_stream_ltx_sent_total";

  @TempDir static Path root;

  @BeforeAll
  static void requireFuse() throws Exception {
    MountProcess.requireFuse();
  }

  static Cluster cluster(String name, int n, int ttlSeconds, IntPredicate candidate)
      throws Exception {
    String endpoint = SharedEtcd.get().endpoint();
    LeaseSection lease =
        LeaseSection.etcd(endpoint, "/replicafs-test/" + name, ttlSeconds, candidate);
    return Cluster.start(root.resolve(name), n, lease, "");
  }

  /** Creates table {@code t} in {@link #DB} on {@code primary} and waits for every node. */
  static void createTable(Cluster c, ClusterNode primary) throws Exception {
    Sqlite3.run(primary.mnt().resolve(DB), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);");
    c.awaitConverged(DB, primary, c.nodes());
  }

  @Test
  void killedPrimaryIsReplacedLosesNoReplicatedCommitAndRejoinsAsReplica() throws Exception {
    try (Cluster c = cluster("kill", 3, 2, i -> true)) {
      ClusterNode old = awaitPrimary(c.nodes());
      createTable(c, old);
      List<Long> acked;
      try (AckWriter w = new AckWriter(old.mnt().resolve(DB))) {
        w.awaitAcked(30);
        old.kill();
        assertThat(w.awaitFailure()).as("writes through the dead mount fail").isNotNull();
        acked = w.acked();
      }
      List<ClusterNode> survivors = new ArrayList<>(c.nodes());
      survivors.remove(old);
      ClusterNode next = awaitPrimary(survivors);
      Sqlite3.run(next.mnt().resolve(DB), "INSERT INTO t (id, v) VALUES (1000000, 'after');");

      old.start().awaitMounted();
      assertThat(awaitPrimary(c.nodes())).isSameAs(next);
      Pos end = assertIdentical(c, next);
      List<Long> kept = ids(next.mnt().resolve(DB), "id < 1000000");
      long last = acked.get(acked.size() - 1);
      assertThat(kept)
          .as("rows on the new primary: a prefix of the writes (at most one unacknowledged)")
          .isEqualTo(LongStream.rangeClosed(1, kept.size()).boxed().toList());
      assertThat((long) kept.size()).isLessThanOrEqualTo(last + 1);
      assertThat(ids(old.mnt().resolve(DB), "id = 1000000")).containsExactly(1000000L);
      assertThat(end.txid()).isGreaterThan(1);
    }
  }

  @Test
  void killedPrimaryWithAnUnreplicatedCommitIsResnapshottedWhenItRejoins() throws Exception {
    try (Cluster c = cluster("diverge", 2, 2, i -> true)) {
      ClusterNode old = awaitPrimary(c.nodes());
      ClusterNode other = c.nodes().stream().filter(n -> n != old).findFirst().orElseThrow();
      createTable(c, old);
      other.kill(); // no replica connected: the next commit exists on the old primary only
      Sqlite3.run(old.mnt().resolve(DB), "INSERT INTO t (id, v) VALUES (1, 'old primary only');");
      Pos diverged = old.pos(DB).orElseThrow();
      old.kill();

      other.start().awaitMounted();
      assertThat(awaitPrimary(List.of(other))).isSameAs(other);
      Sqlite3.run(other.mnt().resolve(DB), "INSERT INTO t (id, v) VALUES (2, 'new primary');");
      assertThat(other.pos(DB).orElseThrow().txid())
          .as("both histories have a transaction at the same TXID")
          .isEqualTo(diverged.txid());
      Map<String, String> snapshots = Map.of("db", DB, "type", "ltx:snapshot");
      double snapshotsBefore = other.metric(SENT, snapshots);

      old.start().awaitMounted();
      assertThat(awaitPrimary(c.nodes())).isSameAs(other);
      assertIdentical(c, other);
      assertThat(ids(old.mnt().resolve(DB), "1 = 1"))
          .as("the old primary's unreplicated commit is replaced by the new primary's history")
          .containsExactly(2L);
      assertThat(other.metric(SENT, snapshots))
          .as("the diverged old primary was re-snapshotted")
          .isEqualTo(snapshotsBefore + 1);
    }
  }

  @Test
  void sigtermOfThePrimaryHandsTheLeaseOverLongBeforeTheTtl() throws Exception {
    int ttl = 30;
    try (Cluster c = cluster("sigterm", 2, ttl, i -> true)) {
      ClusterNode old = awaitPrimary(c.nodes());
      createTable(c, old);
      ClusterNode other = c.nodes().stream().filter(n -> n != old).findFirst().orElseThrow();
      Instant stopped = Instant.now();
      old.stop();
      assertThat(awaitPrimary(List.of(other))).isSameAs(other);
      Duration took = Duration.between(stopped, Instant.now());
      assertThat(took)
          .as("lease released on SIGTERM, not expired (TTL " + ttl + "s)")
          .isLessThan(Duration.ofSeconds(ttl / 2));
      Sqlite3.run(other.mnt().resolve(DB), "INSERT INTO t (id, v) VALUES (1, 'after');");
      old.start().awaitMounted();
      assertThat(awaitPrimary(c.nodes())).isSameAs(other);
      assertIdentical(c, other);
    }
  }

  @Test
  void handoffUnderLoadLosesNoAcknowledgedCommit() throws Exception {
    try (Cluster c = cluster("handoff", 3, 10, i -> true)) {
      ClusterNode old = awaitPrimary(c.nodes());
      createTable(c, old);
      ClusterNode target = c.nodes().stream().filter(n -> n != old).findFirst().orElseThrow();
      List<Long> acked;
      try (AckWriter w = new AckWriter(old.mnt().resolve(DB))) {
        w.awaitAcked(30);
        HttpResponse<String> r =
            ClusterRoles.post(old, "/handoff?nodeID=" + ClusterRoles.nodeId(target));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(w.awaitFailure()).as("writes on the old primary are refused").isNotNull();
        acked = w.acked();
      }
      assertThat(awaitPrimary(c.nodes())).isSameAs(target);
      assertThat(ClusterRoles.isPrimary(old)).isFalse();
      assertIdentical(c, target); // the old primary's refused transaction is rolled back already
      Sqlite3.run(target.mnt().resolve(DB), "INSERT INTO t (id, v) VALUES (1000000, 'after');");
      assertIdentical(c, target);
      List<Long> kept = ids(target.mnt().resolve(DB), "id < 1000000");
      assertThat(kept).as("every acknowledged commit survives the handoff").containsAll(acked);
      assertThat(kept.size()).isLessThanOrEqualTo(acked.size() + 1);
    }
  }

  @Test
  void nonCandidateNeverBecomesPrimaryWhenThePrimaryDies() throws Exception {
    try (Cluster c = cluster("noncandidate", 2, 2, i -> i == 0)) {
      ClusterNode candidate = c.node(0);
      ClusterNode replica = c.node(1);
      assertThat(awaitPrimary(c.nodes())).isSameAs(candidate);
      createTable(c, candidate);
      candidate.kill();
      Instant until = Instant.now().plus(Duration.ofSeconds(8)); // 4 TTLs
      while (Instant.now().isBefore(until)) {
        assertThat(ClusterRoles.info(replica)).as("replica answers /info").isPresent();
        assertThat(ClusterRoles.isPrimary(replica)).as("non-candidate took the lease").isFalse();
        TimeUnit.MILLISECONDS.sleep(100);
      }
      assertThat(ClusterRoles.info(replica).orElseThrow().path("primary").isMissingNode())
          .as("no primary named once the dead primary's lease expired")
          .isTrue();
      candidate.start().awaitMounted();
      assertThat(awaitPrimary(c.nodes())).isSameAs(candidate);
      Sqlite3.run(candidate.mnt().resolve(DB), "INSERT INTO t (id, v) VALUES (1, 'back');");
      assertIdentical(c, candidate);
    }
  }

  static Pos assertIdentical(Cluster c, ClusterNode primary) throws Exception {
    return ClusterRoles.assertIdentical(c, primary, DB);
  }
}
