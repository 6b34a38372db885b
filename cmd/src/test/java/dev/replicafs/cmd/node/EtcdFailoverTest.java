package dev.replicafs.cmd.node;

import static dev.replicafs.cmd.node.ClusterRoles.awaitPrimary;
import static dev.replicafs.cmd.node.ClusterRoles.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.lease.etcd.EtcdProcess;
import dev.replicafs.replication.ltx.Pos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6: failover of real {@code replicafs mount} processes whose lease is held in one real etcd
 * (shared by every test, each cluster under its own key). Writes go through the primary's FUSE
 * mount from this JVM ({@link AckWriter}); nodes are killed (SIGKILL), stopped (SIGTERM) and
 * restarted on their data dirs.
 */
class EtcdFailoverTest {
  private static final String DB = "f.db";

  @TempDir static Path root;
  static EtcdProcess etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    MountProcess.requireFuse();
    etcd = EtcdProcess.start();
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  static Cluster cluster(String name, int n, int ttlSeconds, IntPredicate candidate)
      throws Exception {
    LeaseSection lease =
        LeaseSection.etcd(etcd.endpoint(), "/replicafs-test/" + name, ttlSeconds, candidate);
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

  /** Converged on {@code primary}'s position, byte-identical files, verified chains, integrity. */
  static Pos assertIdentical(Cluster c, ClusterNode primary) throws Exception {
    Pos pos = c.awaitConverged(DB, primary, c.nodes());
    byte[] want = Files.readAllBytes(primary.dbDir(DB).resolve("database"));
    for (ClusterNode n : c.nodes()) {
      assertThat(Files.readAllBytes(n.dbDir(DB).resolve("database")))
          .as(n.spec.name() + " database file")
          .isEqualTo(want);
      LtxChain.verify(n.dbDir(DB), pos);
    }
    ClusterRoles.assertIntegrity(c.nodes(), DB);
    return pos;
  }
}
