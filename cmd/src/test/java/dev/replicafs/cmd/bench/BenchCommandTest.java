package dev.replicafs.cmd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replicafs.cmd.Actions;
import dev.replicafs.cmd.ExitCodes;
import dev.replicafs.cmd.Main;
import dev.replicafs.cmd.config.LoadContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code replicafs bench} end to end on tiny sizes: real child-JVM nodes with real FUSE
 * mounts, a replica streaming, real SQLite. Checks that every figure the issue asks for is there
 * and was measured over the work the options asked for (the workloads themselves verify row counts,
 * reads found and replica positions, and fail the run otherwise). No figure is asserted against a
 * target: performance is not a test.
 */
class BenchCommandTest {
  @TempDir Path tmp;

  @Test
  void measuresEveryWorkloadOnRawDiskBaselineAndACluster() throws Exception {
    Path json = tmp.resolve("out.json");
    Path baseline = Files.createDirectories(tmp.resolve("baseline"));
    Result res =
        bench(
            "-dir",
            tmp.resolve("work").toString(),
            "-baseline",
            baseline.toString(),
            "-replicas",
            "2",
            "-warmup-tx",
            "25",
            "-tx-normal",
            "40",
            "-tx-full",
            "10",
            "-rounds",
            "2",
            "-batches",
            "3",
            "-batch-rows",
            "100",
            "-read-rows",
            "2000",
            "-point-reads",
            "300",
            "-lag-rates",
            "50,100",
            "-lag-seconds",
            "1",
            "-snapshot-mib",
            "2",
            "-json",
            json.toString());
    assertThat(res.code()).as(res.err()).isEqualTo(ExitCodes.OK);
    assertThat(res.out()).contains("| WAL+NORMAL single-row tx/s |");

    JsonNode r = new ObjectMapper().readTree(json.toFile());
    for (String target : new String[] {"raw", "baseline", "replicafs"}) {
      JsonNode t = r.path("targets").path(target);
      assertThat(t.path("single-row").path("WAL+NORMAL").path("transactions").asInt())
          .isEqualTo(40);
      assertThat(t.path("single-row").path("DELETE+FULL").path("transactions").asInt())
          .isEqualTo(10);
      assertThat(t.path("single-row").path("WAL+FULL").path("perSecond").asDouble()).isPositive();
      assertThat(t.path("batched").path("transactions").asInt()).isEqualTo(3);
      assertThat(t.path("reads").path("reads").asInt()).isEqualTo(300);
      assertThat(t.path("reads").path("scanWarmMBs").asDouble()).isPositive();
    }
    assertThat(
            r.path("targets")
                .path("replicafs-replica")
                .path("reads")
                .path("warmPerSecond")
                .asDouble())
        .isPositive();
    // A ReplicaFS transaction goes through the daemon; a WAL commit needs at least a write and
    // locks.
    assertThat(
            r.path("targets")
                .path("replicafs")
                .path("fuse-requests-per-tx")
                .path("WAL+NORMAL")
                .path("total")
                .asDouble())
        .isGreaterThan(1.0);
    // CPU per transaction of this process on each target and of every node during the ReplicaFS
    // shares: a ReplicaFS commit costs the primary and each replica something.
    JsonNode cpu = r.path("targets").path("replicafs").path("cpu-us-per-tx").path("WAL+NORMAL");
    for (String who : new String[] {"client-raw", "client-baseline", "client-replicafs"}) {
      assertThat(cpu.path(who).asDouble()).as(who).isPositive();
    }
    for (String node : new String[] {"primary", "replica-0", "replica-1"}) {
      assertThat(cpu.path(node).asDouble()).as(node).isPositive();
    }
    // Every transaction of every rate is a lag sample on each of the 2 replicas.
    assertThat(r.path("lag").get(0).path("samples").asInt()).isEqualTo(2 * 50);
    assertThat(r.path("lag").get(1).path("samples").asInt()).isEqualTo(2 * 100);
    assertThat(r.path("lag").get(1).path("p99Ms").asDouble()).isPositive();
    assertThat(r.path("lag").get(1).path("achievedPerSecond").asDouble()).isLessThan(105.0);
    assertThat(r.path("snapshot").path("bytes").asLong()).isGreaterThanOrEqualTo(2L << 20);
    assertThat(r.path("snapshot").path("bootstrapMBs").asDouble()).isPositive();
    assertThat(r.path("snapshot").path("reopenMillis").asDouble()).isPositive();
    for (String node : new String[] {"primary", "replica-0", "replica-1", "snapshot-primary"}) {
      assertThat(r.path("memory").path(node).path("rss-bytes").asLong()).isPositive();
      assertThat(r.path("memory").path(node).path("heap-bytes").asLong()).isPositive();
    }
    assertThat(r.path("table").size()).isEqualTo(3 * 3 + 5);
    // The single-row transactions ran in 2 rounds alternating the 3 targets: every target has a
    // rate for each round of each mode, and its figures count all the transactions of its rounds.
    assertThat(r.path("options").path("rounds").asInt()).isEqualTo(2);
    for (String mode : new String[] {"WAL+NORMAL", "WAL+FULL", "DELETE+FULL"}) {
      for (String target : new String[] {"raw", "baseline", "replicafs"}) {
        JsonNode rates = r.path("single-row-rounds").path(mode).path(target);
        assertThat(rates.size()).as("%s %s", mode, target).isEqualTo(2);
        rates.forEach(x -> assertThat(x.asDouble()).isPositive());
      }
    }
    // the warm-up ran untimed: the timed runs above counted only their own transactions
    assertThat(r.path("options").path("warmup-tx").asInt()).isEqualTo(25);
    assertThat(r.path("machine").path("cores").asInt()).isPositive();
    assertThat(r.path("machine").path("cpu-idle").asText())
        .isEqualTo(Machine.cpuIdle(Path.of("/sys")));
    // The run cleaned up after itself (no -keep), including the baseline's subdirectory.
    try (Stream<Path> s = Files.list(tmp.resolve("work"))) {
      assertThat(s.filter(p -> p.getFileName().toString().startsWith("run-"))).isEmpty();
    }
    try (Stream<Path> s = Files.list(baseline)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void withNoReplicaMeasuresTheMountAlone() throws Exception {
    Path json = tmp.resolve("alone.json");
    Result res =
        bench(
            "-dir",
            tmp.resolve("work").toString(),
            "-replicas",
            "0",
            "-warmup-tx",
            "0",
            "-tx-normal",
            "20",
            "-tx-full",
            "5",
            "-batches",
            "2",
            "-batch-rows",
            "50",
            "-read-rows",
            "500",
            "-point-reads",
            "100",
            "-lag-rates",
            "50",
            "-lag-seconds",
            "1",
            "-snapshot-mib",
            "0",
            "-ltx-interval",
            "1s",
            "-keep",
            "-json",
            json.toString());
    assertThat(res.code()).as(res.err()).isEqualTo(ExitCodes.OK);
    JsonNode r = new ObjectMapper().readTree(json.toFile());
    JsonNode primary = r.path("targets").path("replicafs");
    // The node ran with data.ltx-interval 1s: the 20 WAL+NORMAL commits, all within a second of
    // the first file, share a few files instead of one each.
    assertThat(r.path("options").path("ltx-interval").asText()).isEqualTo("1s");
    Path ltx;
    try (Stream<Path> runs = Files.list(tmp.resolve("work"))) {
      ltx =
          runs.filter(d -> d.getFileName().toString().startsWith("run-"))
              .findFirst()
              .orElseThrow()
              .resolve("cluster/p-data/dbs/tx-wal-normal.db/ltx");
    }
    java.util.List<dev.replicafs.replication.ltx.LtxFileName> files;
    try (Stream<Path> s = Files.list(ltx)) {
      files =
          s.map(f -> dev.replicafs.replication.ltx.LtxFileName.parse(f.getFileName().toString()))
              .flatMap(java.util.Optional::stream)
              .sorted()
              .toList();
    }
    assertThat(files.get(files.size() - 1).maxTxid()).isGreaterThanOrEqualTo(20);
    assertThat(files).as("LTX files of 20+ commits: %s", files).hasSizeLessThanOrEqualTo(4);
    assertThat(primary.path("single-row").path("WAL+NORMAL").path("transactions").asInt())
        .isEqualTo(20);
    assertThat(primary.path("single-row").path("DELETE+FULL").path("transactions").asInt())
        .isEqualTo(5);
    // the default 5 rounds (one transaction each in DELETE+FULL), without a baseline: raw and
    // ReplicaFS alternate
    assertThat(r.path("single-row-rounds").path("DELETE+FULL").path("replicafs").size())
        .isEqualTo(5);
    assertThat(r.path("single-row-rounds").path("DELETE+FULL").path("raw").size()).isEqualTo(5);
    assertThat(r.path("single-row-rounds").path("DELETE+FULL").has("baseline")).isFalse();
    assertThat(primary.path("reads").path("reads").asInt()).isEqualTo(100);
    // nothing was measured on a replica: no replica column, no lag, only the primary's memory
    assertThat(r.path("targets").has("replicafs-replica")).isFalse();
    assertThat(r.path("lag").size()).isZero();
    assertThat(r.path("memory").has("primary")).isTrue();
    assertThat(r.path("memory").has("replica-0")).isFalse();
    assertThat(r.path("options").path("replicas").asInt()).isZero();
    assertThat(res.out()).doesNotContain("replication lag @");
  }

  @Test
  void refusesAnLtxIntervalOutsideZeroToOneSecond() {
    for (String bad : new String[] {"2s", "-1ms", "soon"}) {
      Result res = bench("-dir", tmp.resolve("work").toString(), "-ltx-interval", bad);
      assertThat(res.code()).as(bad).isEqualTo(ExitCodes.USAGE);
      assertThat(res.err()).as(bad).contains("ltx");
    }
  }

  private record Result(int code, String out, String err) {}

  /** Runs {@code replicafs bench} with {@code args} in this JVM. */
  private static Result bench(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] argv = new String[args.length + 1];
    argv[0] = "bench";
    System.arraycopy(args, 0, argv, 1, args.length);
    int code =
        Main.run(
            argv,
            Actions.unwired(),
            LoadContext.system(),
            new PrintWriter(out),
            new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }
}
