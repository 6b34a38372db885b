package dev.replicafs.cmd.node;

import static dev.replicafs.cmd.node.ClusterRoles.awaitPrimary;
import static dev.replicafs.cmd.node.ClusterRoles.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.cmd.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, promotion end to end: real {@code replicafs mount} processes on one real etcd (shared, a
 * key per cluster), and {@code replicafs run -promote} as its own process, as an operator or a
 * deploy script runs it. A promotion is a planned handoff from the current primary, so a writer on
 * the old primary loses no acknowledged commit; the command runs only once the local node accepts
 * writes.
 */
class EtcdPromoteTest {
  private static final String DB = "p.db";
  private static final int TTL_SECONDS = 10;

  @TempDir static Path root;

  @BeforeAll
  static void requireFuse() throws Exception {
    MountProcess.requireFuse();
  }

  private static LeaseSection lease(String name, java.util.function.IntPredicate promote)
      throws Exception {
    LeaseSection etcd =
        LeaseSection.etcd(
            SharedEtcd.get().endpoint(), "/replicafs-test/" + name, TTL_SECONDS, i -> i != 2);
    return (self, seed) ->
        etcd.yaml(self, seed) + (promote.test(self.index()) ? "  promote: true\n" : "");
  }

  @Test
  void runPromoteOnAReplicaTakesTheLeaseRunsTheCommandThereAndLosesNoCommit() throws Exception {
    // nodes 0 and 1 are candidates, node 2 is not
    try (Cluster c = Cluster.start(root.resolve("run"), 3, lease("run", i -> false), "")) {
      ClusterNode old = awaitPrimary(c.nodes());
      Sqlite3.run(old.mnt().resolve(DB), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);");
      c.awaitConverged(DB, old, c.nodes());
      ClusterNode target = old == c.node(0) ? c.node(1) : c.node(0);
      ClusterNode nonCandidate = c.node(2);

      List<Long> acked;
      Cli run;
      try (AckWriter w = new AckWriter(old.mnt().resolve(DB))) {
        w.awaitAcked(30);
        // If the command ran before the node was primary, sqlite3 would fail (read-only replica).
        run =
            Cli.run(
                root,
                "run",
                "-url",
                target.spec.apiUrl(),
                "-promote",
                "--",
                "sqlite3",
                "-batch",
                "-cmd",
                ".timeout 10000",
                target.mnt().resolve(DB).toString(),
                "INSERT INTO t (id, v) VALUES (1000000, 'from-run');");
        assertThat(w.awaitFailure()).as("writes on the old primary are refused").isNotNull();
        acked = w.acked();
      }
      assertThat(run.code).as(run.output).isZero();
      assertThat(run.output).contains("node is primary");

      assertThat(awaitPrimary(c.nodes())).isSameAs(target);
      ClusterRoles.assertIdentical(c, target, DB);
      List<Long> kept = ids(target.mnt().resolve(DB), "id < 1000000");
      assertThat(kept).as("every acknowledged commit survives the promotion").containsAll(acked);
      assertThat(kept.size()).isLessThanOrEqualTo(acked.size() + 1);
      for (ClusterNode n : c.nodes()) {
        assertThat(ids(n.mnt().resolve(DB), "id = 1000000")).as(n.spec.name()).hasSize(1);
      }

      // On the primary itself -promote is a no-op; on a non-candidate it fails and runs nothing.
      Cli again = Cli.run(root, "run", "-url", target.spec.apiUrl(), "-promote", "--", "true");
      assertThat(again.code).as(again.output).isZero();
      Path marker = root.resolve("ran-on-non-candidate");
      Cli refused =
          Cli.run(
              root,
              "run",
              "-url",
              nonCandidate.spec.apiUrl(),
              "-promote",
              "--",
              "touch",
              marker.toString());
      assertThat(refused.code).as(refused.output).isEqualTo(1);
      assertThat(refused.output).contains("not a candidate");
      assertThat(marker).doesNotExist();
      assertThat(awaitPrimary(c.nodes())).isSameAs(target);
    }
  }

  @Test
  void leasePromoteAtStartupTakesTheLeaseOnceCaughtUpAndLosesNoCommit() throws Exception {
    // node 1 has lease.promote: true and starts while node 0 is primary under a write load
    try (Cluster c = Cluster.start(root.resolve("startup"), 1, lease("startup", i -> i == 1), "")) {
      ClusterNode first = c.node(0);
      assertThat(awaitPrimary(c.nodes())).isSameAs(first);
      Sqlite3.run(first.mnt().resolve(DB), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);");
      List<Long> acked;
      ClusterNode promoted;
      try (AckWriter w = new AckWriter(first.mnt().resolve(DB))) {
        w.awaitAcked(30);
        promoted = c.add().awaitMounted();
        assertThat(w.awaitFailure()).as("writes on the old primary are refused").isNotNull();
        acked = w.acked();
      }
      assertThat(awaitPrimary(c.nodes())).isSameAs(promoted);
      Sqlite3.run(promoted.mnt().resolve(DB), "INSERT INTO t (id, v) VALUES (1000000, 'after');");
      ClusterRoles.assertIdentical(c, promoted, DB);
      List<Long> kept = ids(promoted.mnt().resolve(DB), "id < 1000000");
      assertThat(kept).as("every acknowledged commit survives the promotion").containsAll(acked);
      assertThat(kept.size()).isLessThanOrEqualTo(acked.size() + 1);
      assertThat(promoted.log()).contains("caught up, promoting (lease.promote)");
    }
  }

  /** A {@code replicafs} CLI process (this module's classes, own JVM): exit code and output. */
  private record Cli(int code, String output) {
    static Cli run(Path dir, String... args) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> argv =
          new ArrayList<>(
              List.of(
                  java,
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName()));
      argv.addAll(List.of(args));
      Path out = Files.createTempFile(dir, "cli", ".out");
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("replicafs " + String.join(" ", args) + " did not end in 120 s");
      }
      return new Cli(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
  }
}
