package dev.replicafs.cmd.bench;

import dev.replicafs.cmd.bench.SqlWorkloads.Mode;
import dev.replicafs.cmd.bench.SqlWorkloads.SingleRowSession;
import dev.replicafs.cmd.bench.SqlWorkloads.TxResult;
import dev.replicafs.cmd.bench.SqlWorkloads.TxSamples;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The single-row transaction workloads of every target (raw disk, baseline, ReplicaFS primary),
 * measured in rounds that alternate the targets (docs/CLI.md, "replicafs bench"): per mode, each
 * target first runs its untimed warm-up, then each round runs a share of the timed transactions on
 * every target in turn, the order rotated by one target per round, each target continuing its own
 * database. A target's figures are over all its rounds (transactions over the summed time;
 * percentiles of all latencies). A slow minute of the machine then weighs on every target instead
 * of on whichever one ran in it, so the ratios between targets are measured over the same period.
 * After each ReplicaFS share the replicas are awaited, so their apply does not run into the next
 * target's share.
 */
final class SingleRowRounds {
  static final String REPLICAFS = "replicafs";

  /** SQLite (sqlite-jdbc, in process) runs on the calling thread: its CPU time is the client's. */
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private final BenchOptions o;
  private final PrintWriter log;

  SingleRowRounds(BenchOptions o, PrintWriter log) {
    this.o = o;
    this.log = log;
  }

  /**
   * The results of one run: per target, per mode, the figures; the primary's FUSE requests per
   * transaction per mode; per mode, per target, the rate of each round; per mode, the CPU time per
   * transaction of the thread running SQLite during each target's shares ({@code client-<target>})
   * and of each node process during the ReplicaFS shares, up to the replicas' convergence ({@code
   * primary}, {@code replica-<i>}; {@link ProcessCpu}).
   */
  record Results(
      Map<String, Map<String, TxResult>> byTarget,
      Map<String, Object> requestsPerTx,
      Map<String, Map<String, List<Double>>> roundRates,
      Map<String, Map<String, Double>> cpuMicrosPerTx) {}

  /**
   * Runs every mode on every target of {@code dirs} (in their order; the ReplicaFS target is named
   * {@link #REPLICAFS} and is {@code primary}'s mount).
   */
  Results run(Map<String, Path> dirs, NodeHandle primary, List<NodeHandle> replicas)
      throws Exception {
    Map<String, Map<String, TxResult>> byTarget = new LinkedHashMap<>();
    dirs.keySet().forEach(t -> byTarget.put(t, new LinkedHashMap<>()));
    Map<String, Object> requests = new LinkedHashMap<>();
    Map<String, Map<String, List<Double>>> rates = new LinkedHashMap<>();
    Map<String, Map<String, Double>> cpu = new LinkedHashMap<>();
    List<NodeHandle> nodes = new ArrayList<>();
    nodes.add(primary);
    nodes.addAll(replicas);
    List<String> targets = new ArrayList<>(dirs.keySet());
    for (Mode m : BenchRun.MODES) {
      int n = m.sync().equals("NORMAL") ? o.normalTx() : o.fullTx();
      int warm = m.sync().equals("NORMAL") ? o.warmupTx() : o.warmupTx() / 5;
      String suffix = m.journal().toLowerCase() + "-" + m.sync().toLowerCase() + ".db";
      if (warm > 0) {
        for (String t : targets) {
          SqlWorkloads.singleRow(dirs.get(t).resolve("warmup-" + suffix), m, warm);
        }
        ClusterWorkloads.awaitConverged(
            primary, replicas, "warmup-" + suffix, Duration.ofMinutes(5));
      }
      Map<String, TxSamples> samples = new LinkedHashMap<>();
      Map<String, List<Double>> perRound = new LinkedHashMap<>();
      for (String t : targets) {
        samples.put(t, new TxSamples());
        perRound.put(t, new ArrayList<>());
      }
      Map<String, Long> counted = new TreeMap<>();
      Map<String, Long> cpuNanos = new LinkedHashMap<>();
      String db = "tx-" + suffix;
      Map<String, SingleRowSession> sessions = new LinkedHashMap<>();
      try {
        for (String t : targets) {
          sessions.put(t, new SingleRowSession(dirs.get(t).resolve(db), m));
        }
        int rounds = Math.min(o.rounds(), n);
        for (int r = 0; r < rounds; r++) {
          int share = n / rounds + (r < n % rounds ? 1 : 0);
          for (int i = 0; i < targets.size(); i++) {
            String t = targets.get((r + i) % targets.size());
            boolean replicafs = t.equals(REPLICAFS);
            if (replicafs) {
              primary.requests();
            }
            long[] nodesBefore = replicafs ? cpuOf(nodes) : null;
            long clientBefore = THREADS.getCurrentThreadCpuTime();
            TxResult part = sessions.get(t).run(share, samples.get(t));
            cpuNanos.merge(
                "client-" + t, THREADS.getCurrentThreadCpuTime() - clientBefore, Long::sum);
            if (replicafs) {
              primary.requests().forEach((k, v) -> counted.merge(k, v, Long::sum));
              ClusterWorkloads.awaitConverged(primary, replicas, db, Duration.ofMinutes(5));
              long[] nodesAfter = cpuOf(nodes);
              for (int k = 0; k < nodes.size(); k++) {
                cpuNanos.merge(
                    k == 0 ? "primary" : "replica-" + (k - 1),
                    nodesAfter[k] - nodesBefore[k],
                    Long::sum);
              }
            }
            perRound.get(t).add(part.perSecond());
          }
        }
      } finally {
        for (SingleRowSession s : sessions.values()) {
          s.close();
        }
      }
      for (String t : targets) {
        TxResult res = samples.get(t).result();
        byTarget.get(t).put(m.toString(), res);
        log.printf(
            "%-10s %-12s %9.0f tx/s  p50 %.3f ms  p99 %.3f ms  rounds %s%n",
            t, m, res.perSecond(), res.p50Ms(), res.p99Ms(), roundList(perRound.get(t)));
      }
      log.flush();
      requests.put(m.toString(), perTx(counted, n));
      rates.put(m.toString(), perRound);
      Map<String, Double> perTxCpu = new LinkedHashMap<>();
      cpuNanos.forEach((k, v) -> perTxCpu.put(k, Math.round(v / 1e2 / n) / 10.0));
      cpu.put(m.toString(), perTxCpu);
      log.printf("CPU µs per transaction, %s: %s%n", m, perTxCpu);
    }
    return new Results(byTarget, requests, rates, cpu);
  }

  private static long[] cpuOf(List<NodeHandle> nodes) throws java.io.IOException {
    long[] out = new long[nodes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = nodes.get(i).cpuNanos();
    }
    return out;
  }

  private static String roundList(List<Double> rates) {
    StringBuilder b = new StringBuilder();
    for (double d : rates) {
      b.append(b.length() == 0 ? "" : " ").append(String.format("%.0f", d));
    }
    return b.toString();
  }

  static Map<String, Double> perTx(Map<String, Long> counts, int n) {
    Map<String, Double> m = new TreeMap<>();
    double total = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      m.put(e.getKey(), e.getValue() / (double) n);
      total += e.getValue() / (double) n;
    }
    m.put("total", total);
    return m;
  }
}
