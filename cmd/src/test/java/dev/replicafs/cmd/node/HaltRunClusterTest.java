package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.cmd.Main;
import dev.replicafs.cmd.config.LoadContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code replicafs run -with-halt-lock-on} end to end: three real {@code replicafs mount} processes
 * (static lease, node 0 primary); on replica node 1 a {@code sqlite3} process inserts rows into the
 * replica's own mount while the command holds the halt lock. The rows reach the primary and every
 * replica, all nodes end at the same position, and integrity_check is ok everywhere. One database
 * per journal mode on one shared cluster.
 */
class HaltRunClusterTest {
  @TempDir static Path root;
  private static Cluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    MountProcess.requireFuse();
    cluster = Cluster.start(root, 3, LeaseSection.staticSeedPrimary(), "");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"DELETE", "TRUNCATE", "PERSIST", "WAL"})
  void rowsWrittenOnAReplicaUnderTheHaltLockReachEveryNode(String mode) throws Exception {
    String db = "halt-" + mode.toLowerCase() + ".db";
    Path onPrimary = cluster.primary().mnt().resolve(db);
    Sqlite3.run(
        onPrimary,
        "PRAGMA journal_mode="
            + mode
            + "; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
            + " INSERT INTO t (v) VALUES ('from-primary');");
    cluster.awaitConverged(db);

    ClusterNode replica = cluster.replicas().get(0);
    Path onReplica = replica.mnt().resolve(db);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {
              "run",
              "-with-halt-lock-on",
              onReplica.toString(),
              "--",
              "sqlite3",
              "-batch",
              "-cmd",
              ".timeout 10000",
              onReplica.toString(),
              "INSERT INTO t (v) VALUES ('from-replica-1'); INSERT INTO t (v) VALUES"
                  + " ('from-replica-2');"
            },
            new NodeActions(new PrintWriter(out, true)),
            LoadContext.system(),
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertThat(code).as("replicafs run: %s %s", out, err).isZero();

    cluster.awaitConverged(db);
    for (ClusterNode node : cluster.nodes()) {
      Path file = node.mnt().resolve(db);
      assertThat(
              Sqlite3.run(file, "SELECT group_concat(v, ',') FROM (SELECT v FROM t ORDER BY id);"))
          .as(node.spec.name())
          .isEqualTo("from-primary,from-replica-1,from-replica-2");
      assertThat(Sqlite3.run(file, "PRAGMA integrity_check;")).as(node.spec.name()).isEqualTo("ok");
    }
  }
}
