package dev.replicafs.cmd.node;

import static dev.replicafs.cmd.node.ClusterRoles.awaitPrimary;
import static dev.replicafs.cmd.node.ClusterRoles.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.lease.TcpProxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6: a primary cut off from etcd (its own {@link TcpProxy} to the shared etcd drops every
 * byte) fences itself: writes through its mount fail before another node can take the lease, no
 * acknowledged write is lost, and once the link heals it rejoins as a replica.
 */
class EtcdPartitionTest {
  private static final String DB = "p.db";
  private static final int TTL = 10; // fence 1 s+ before expiry: the order is unambiguous

  @TempDir static Path root;

  @BeforeAll
  static void requireFuse() throws Exception {
    MountProcess.requireFuse();
  }

  @Test
  void partitionedPrimaryStopsWritingBeforeAnotherNodeTakesTheLeaseThenRejoins() throws Exception {
    int etcdPort = SharedEtcd.get().clientPort();
    List<TcpProxy> links = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        links.add(TcpProxy.start("127.0.0.1", etcdPort));
      }
      LeaseSection lease =
          LeaseSection.etcd(
              i -> "http://127.0.0.1:" + links.get(i).port(),
              "/replicafs-test/partition",
              TTL,
              i -> true);
      try (Cluster c = Cluster.start(root.resolve("partition"), 2, lease, "")) {
        run(c, links);
      }
    } finally {
      links.forEach(TcpProxy::close);
    }
  }

  private static void run(Cluster c, List<TcpProxy> links) throws Exception {
    ClusterNode old = awaitPrimary(c.nodes());
    ClusterNode other = c.nodes().stream().filter(n -> n != old).findFirst().orElseThrow();
    Sqlite3.run(old.mnt().resolve(DB), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);");
    c.awaitConverged(DB, old, c.nodes());
    List<Long> acked;
    try (AckWriter w = new AckWriter(old.mnt().resolve(DB))) {
      w.awaitAcked(20);
      links.get(old.spec.index()).partition();
      Throwable refused = w.awaitFailure();
      assertThat(ClusterRoles.isPrimary(other))
          .as("the other node must not hold the lease yet when the old primary stops writing")
          .isFalse();
      assertThat(refused).as("the old primary refuses writes").isNotNull();
      assertThat(refused.getMessage()).containsAnyOf("READONLY", "readonly", "IOERR", "I/O");
      acked = w.acked();
    }
    assertThat(awaitPrimary(List.of(other))).isSameAs(other);
    Sqlite3.run(other.mnt().resolve(DB), "INSERT INTO t (id, v) VALUES (1000000, 'after');");
    assertThat(ids(other.mnt().resolve(DB), "id < 1000000"))
        .as("every write the old primary acknowledged is on the new one")
        .containsAll(acked);

    links.get(old.spec.index()).heal();
    assertThat(awaitPrimary(c.nodes())).isSameAs(other);
    ClusterRoles.assertIdentical(c, other, DB);
    assertThat(ids(old.mnt().resolve(DB), "id = 1000000")).containsExactly(1000000L);
  }
}
