package dev.replicafs.cmd.bench;

import dev.replicafs.cmd.bench.SqlWorkloads.Mode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One benchmark run: every workload on the raw disk, on the optional baseline mount and on a
 * ReplicaFS primary with N replicas streaming (child JVMs; with none, the mount alone: no replica
 * reads and no lag), all while the cluster is up, the single-row workloads in rounds that alternate
 * the targets ({@link SingleRowRounds}); then the snapshot bootstrap and store open on a second,
 * fresh cluster so the first cluster's replicas do not compete for the snapshot. Produces the
 * report as a tree of maps (written as JSON by {@link Report}).
 */
public final class BenchRun {
  static final List<Mode> MODES =
      List.of(new Mode("WAL", "NORMAL"), new Mode("WAL", "FULL"), new Mode("DELETE", "FULL"));

  private final BenchOptions o;
  private final PrintWriter log;
  private final Map<String, Object> report = new LinkedHashMap<>();

  public BenchRun(BenchOptions options, PrintWriter log) {
    this.o = options;
    this.log = log;
  }

  /** Runs everything and returns the report tree. */
  public Map<String, Object> run() throws Exception {
    Path dir = o.workDir().resolve("run-" + System.currentTimeMillis());
    Files.createDirectories(dir);
    report.put("machine", Machine.describe(dir));
    report.put("options", options());
    try {
      Map<String, Object> targets = new LinkedHashMap<>();
      report.put("targets", targets);
      Path raw = Files.createDirectories(dir.resolve("raw"));
      Path b = null;
      if (o.baseline().isPresent()) {
        b =
            Files.createDirectories(
                o.baseline().get().resolve("replicafs-bench-" + dir.getFileName()));
      }
      try {
        cluster(dir.resolve("cluster"), raw, b, targets);
      } finally {
        if (b != null) {
          delete(b);
        }
      }
      if (o.snapshotMiB() > 0) {
        snapshotPhase(dir.resolve("snapshot"));
      }
      report.put("machine-after", Machine.describe(dir));
    } finally {
      if (!o.keep()) {
        delete(dir);
      }
    }
    return report;
  }

  private Map<String, Object> options() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("work-dir", o.workDir().toAbsolutePath().toString());
    m.put("replicas", o.replicas());
    m.put("baseline", o.baseline().map(Path::toString).orElse(null));
    m.put("warmup-tx", o.warmupTx());
    m.put("ltx-interval", dev.replicafs.cmd.config.GoDuration.format(o.ltxInterval()));
    m.put("tx-normal", o.normalTx());
    m.put("tx-full", o.fullTx());
    m.put("rounds", o.rounds());
    m.put("batches", o.batches());
    m.put("batch-rows", o.batchRows());
    m.put("read-rows", o.readRows());
    m.put("point-reads", o.pointReads());
    m.put("lag-rates", o.lagRates());
    m.put("lag-seconds", o.lagSeconds());
    m.put("snapshot-mib", o.snapshotMiB());
    m.put("node-jvm-args", o.nodeJvmArgs());
    return m;
  }

  /** The batched and read workloads of a plain directory, after its single-row figures. */
  private Map<String, Object> plain(Path dir, String label, Map<String, ?> singleRow)
      throws Exception {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("single-row", singleRow);
    t.put("batched", batched(dir, label));
    Path db = dir.resolve("read.db");
    SqlWorkloads.fill(db, o.readRows());
    t.put("reads", reads(db, label));
    return t;
  }

  private SqlWorkloads.TxResult batched(Path dir, String label) throws Exception {
    SqlWorkloads.TxResult r =
        SqlWorkloads.batched(dir.resolve("batched.db"), o.batches(), o.batchRows());
    log.printf("%-10s batched      %9.0f rows/s%n", label, r.perSecond());
    log.flush();
    return r;
  }

  private SqlWorkloads.ReadResult reads(Path db, String label) throws Exception {
    SqlWorkloads.ReadResult r = SqlWorkloads.reads(db, o.readRows(), o.pointReads());
    log.printf(
        "%-10s reads        cold %.0f/s warm %.0f/s  scan cold %.0f MB/s warm %.0f MB/s%n",
        label, r.coldPerSecond(), r.warmPerSecond(), r.scanColdMBs(), r.scanWarmMBs());
    log.flush();
    return r;
  }

  /**
   * Starts the cluster, runs the single-row rounds on the raw disk, the baseline ({@code baseline},
   * may be null) and the primary's mount, then every other workload.
   */
  private void cluster(Path dir, Path raw, Path baseline, Map<String, Object> targets)
      throws Exception {
    List<NodeHandle> replicas = new ArrayList<>();
    try (NodeHandle primary =
        NodeHandle.start(dir.resolve("p-data"), dir.resolve("p-mnt"), 1, o.nodeSettings())) {
      primary.command("primary");
      try {
        for (int i = 0; i < o.replicas(); i++) {
          NodeHandle r =
              NodeHandle.start(
                  dir.resolve("r" + i + "-data"),
                  dir.resolve("r" + i + "-mnt"),
                  2 + i,
                  o.nodeSettings());
          replicas.add(r);
          r.command("follow " + primary.url);
        }
        Map<String, Path> dirs = new LinkedHashMap<>();
        dirs.put("raw", raw);
        if (baseline != null) {
          dirs.put("baseline", baseline);
        }
        dirs.put(SingleRowRounds.REPLICAFS, primary.mount);
        SingleRowRounds.Results single = new SingleRowRounds(o, log).run(dirs, primary, replicas);
        report.put("single-row-rounds", single.roundRates());
        targets.put("raw", plain(raw, "raw", single.byTarget().get("raw")));
        if (baseline != null) {
          targets.put("baseline", plain(baseline, "baseline", single.byTarget().get("baseline")));
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("single-row", single.byTarget().get(SingleRowRounds.REPLICAFS));
        t.put("fuse-requests-per-tx", single.requestsPerTx());
        t.put("cpu-us-per-tx", single.cpuMicrosPerTx());
        t.put("batched", batched(primary.mount, "replicafs"));
        Path db = primary.mount.resolve("read.db");
        SqlWorkloads.fill(db, o.readRows());
        for (Mode m : MODES) {
          String name = "tx-" + m.journal().toLowerCase() + "-" + m.sync().toLowerCase() + ".db";
          ClusterWorkloads.awaitConverged(primary, replicas, name, java.time.Duration.ofMinutes(5));
        }
        ClusterWorkloads.awaitConverged(
            primary, replicas, "read.db", java.time.Duration.ofMinutes(5));
        t.put("reads", reads(db, "replicafs"));
        targets.put("replicafs", t);
        if (!replicas.isEmpty()) {
          targets.put(
              "replicafs-replica",
              Map.of("reads", reads(replicas.get(0).mount.resolve("read.db"), "replica")));
        }
        List<Object> lags = new ArrayList<>();
        for (int rate : replicas.isEmpty() ? List.<Integer>of() : o.lagRates()) {
          ClusterWorkloads.LagResult l =
              ClusterWorkloads.lag(primary, replicas, rate, o.lagSeconds());
          log.printf(
              "lag @%d tx/s (achieved %.0f, %d samples): p50 %.2f ms p99 %.2f ms max %.2f ms%n",
              rate, l.achievedPerSecond(), l.samples(), l.p50Ms(), l.p99Ms(), l.maxMs());
          log.flush();
          lags.add(l);
        }
        report.put("lag", lags);
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("primary", memory(primary));
        for (int i = 0; i < replicas.size(); i++) {
          memory.put("replica-" + i, memory(replicas.get(i)));
        }
        report.put("memory", memory);
      } finally {
        replicas.forEach(NodeHandle::close);
      }
    }
  }

  private void snapshotPhase(Path dir) throws Exception {
    Files.createDirectories(dir);
    try (NodeHandle primary =
        NodeHandle.start(dir.resolve("p-data"), dir.resolve("p-mnt"), 21, o.nodeSettings())) {
      primary.command("primary");
      ClusterWorkloads.SnapshotResult s =
          ClusterWorkloads.snapshot(primary, dir, o.snapshotMiB(), 22, o.nodeSettings());
      log.printf(
          "snapshot %d bytes: bootstrap %.0f MB/s, store open %.0f ms%n",
          s.bytes(), s.bootstrapMBs(), s.reopenMillis());
      log.flush();
      report.put("snapshot", s);
      @SuppressWarnings("unchecked")
      Map<String, Object> memory = (Map<String, Object>) report.get("memory");
      memory.put("snapshot-primary", memory(primary));
    }
  }

  private static Map<String, Long> memory(NodeHandle node) throws IOException {
    long[] m = node.memory();
    return Map.of("rss-bytes", m[0], "heap-bytes", m[1]);
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
