package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.replication.store.CommitGate;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.DiskFileOps;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import dev.replicafs.replication.sync.SyncOptions;
import dev.replicafs.replication.sync.SyncReplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synchronous replication benchmark (docs/BENCHMARKS.md, "Synchronous replication"); not a test: it
 * prints throughput and commit latency p50/p99 for {@code none}, {@code one} and {@code quorum}
 * with 1 and 2 replicas on loopback, and checks only that the replicas converged. Run:
 *
 * <pre>
 * mvn -q -pl replication -am test -Plong -Dtest=SyncBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * cat replication/target/sync-benchmark.txt
 * </pre>
 */
@Tag("long")
class SyncBenchmark {
  private static final int TX = Integer.getInteger("bench.syncTx", 500);

  @TempDir Path tmp;

  @Test
  void throughputAndLatencyByModeAndReplicaCount() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("| sync | replicas | tx/s | p50 (ms) | p99 (ms) |");
    lines.add("|---|---|---|---|---|");
    for (int replicas : new int[] {1, 2}) {
      for (SyncOptions.Mode mode : SyncOptions.Mode.values()) {
        lines.add(run(mode, replicas));
        System.out.println(lines.get(lines.size() - 1));
      }
    }
    Files.write(Path.of("target/sync-benchmark.txt"), lines);
    lines.forEach(System.out::println);
  }

  private String run(SyncOptions.Mode mode, int replicas) throws Exception {
    Path dir = tmp.resolve(mode + "-" + replicas);
    SyncReplication gate =
        new SyncReplication(
            new SyncOptions(mode, Duration.ofSeconds(30), SyncOptions.Fallback.FAIL));
    List<TestNode> rs = new ArrayList<>();
    try (TestNode p =
        TestNode.open(
            dir.resolve("p"),
            1,
            mode == SyncOptions.Mode.NONE ? CommitGate.NONE : gate,
            DiskFileOps.INSTANCE)) {
      p.node.sync(gate);
      p.node.becomePrimary();
      for (int i = 0; i < replicas; i++) {
        TestNode r = TestNode.open(dir.resolve("r" + i), 2 + i);
        rs.add(r);
        r.node.becomeReplica(p.info());
        Await.until("replica ready", () -> r.node.replica().map(c -> c.isReady()).orElse(false));
      }
      Db db = p.store.create("bench.db");
      long[] nanos = new long[TX];
      long elapsed;
      try (SqliteWorkload w = SqliteWorkload.start(db, dir.resolve("w"), Mode.DELETE, 1, true)) {
        w.exec("PRAGMA synchronous=OFF");
        for (int i = 0; i < 50; i++) { // warm-up
          w.tx("INSERT INTO t(id, v) VALUES(" + i + ", randomblob(100))");
        }
        long start = System.nanoTime();
        for (int i = 0; i < TX; i++) {
          long t0 = System.nanoTime();
          w.tx("INSERT INTO t(id, v) VALUES(" + (1000 + i) + ", randomblob(100))");
          nanos[i] = System.nanoTime() - t0;
        }
        elapsed = System.nanoTime() - start;
      }
      ReplicationTest.awaitConverged(p, "bench.db", rs.toArray(TestNode[]::new));
      if (mode != SyncOptions.Mode.NONE) {
        assertThat(gate.commits("acked")).isEqualTo(db.pos().txid());
      }
      Arrays.sort(nanos);
      return String.format(
          "| %s | %d | %.0f | %.2f | %.2f |",
          mode.name().toLowerCase(),
          replicas,
          TX / (elapsed / 1e9),
          nanos[TX / 2] / 1e6,
          nanos[(int) (TX * 0.99)] / 1e6);
    } finally {
      for (TestNode r : rs) {
        r.close();
      }
      gate.close();
    }
  }
}
