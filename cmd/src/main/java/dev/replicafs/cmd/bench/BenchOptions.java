package dev.replicafs.cmd.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@code replicafs bench} run measures and how much.
 *
 * @param workDir directory on the disk under test; the run uses a fresh subdirectory of it
 * @param replicas replicas streaming from the primary; 0 measures the mount alone (no replica
 *     reads, no lag)
 * @param baseline an already mounted directory (e.g. the C passthrough) measured like the raw disk
 * @param warmupTx untimed single-row transactions per target and mode before the timed ones (a
 *     fifth of it in the FULL modes), so a node's JIT-compiled commit path is measured, not its
 *     first seconds; 0 skips the warm-up
 * @param normalTx single-row transactions in WAL+NORMAL
 * @param fullTx single-row transactions in WAL+FULL and DELETE+FULL
 * @param rounds rounds the single-row transactions of each mode are split into, alternating the
 *     targets ({@link SingleRowRounds}); at most the transaction count is used
 * @param batches transactions of {@code batchRows} inserts
 * @param batchRows rows per batched transaction
 * @param readRows rows (1,000-byte blobs) of the read database
 * @param pointReads point reads per pass
 * @param lagRates transaction rates at which lag is measured
 * @param lagSeconds seconds per lag rate
 * @param snapshotMiB size of the snapshot-bootstrap database (0 skips that phase)
 * @param nodeJvmArgs extra JVM arguments for the node processes (e.g. JFR)
 * @param ltxInterval the nodes' {@code data.ltx-interval} (docs/CONFIG.md)
 * @param json where the JSON report goes
 * @param keep keep the run's directory afterwards
 */
public record BenchOptions(
    Path workDir,
    int replicas,
    Optional<Path> baseline,
    int warmupTx,
    int normalTx,
    int fullTx,
    int rounds,
    int batches,
    int batchRows,
    long readRows,
    int pointReads,
    List<Integer> lagRates,
    int lagSeconds,
    int snapshotMiB,
    List<String> nodeJvmArgs,
    java.time.Duration ltxInterval,
    Path json,
    boolean keep) {
  public BenchOptions {
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(json, "json");
    lagRates = List.copyOf(lagRates);
    nodeJvmArgs = List.copyOf(nodeJvmArgs);
    if (replicas < 0) {
      throw new IllegalArgumentException(
          "replicas must be >= 0 (0 measures the mount alone): " + replicas);
    }
    if (warmupTx < 0) {
      throw new IllegalArgumentException("warm-up transactions must be >= 0: " + warmupTx);
    }
    positive(normalTx, "normal transactions");
    positive(fullTx, "full transactions");
    positive(rounds, "rounds");
    positive(batches, "batches");
    positive(batchRows, "batch rows");
    positive(readRows, "read rows");
    positive(pointReads, "point reads");
    positive(lagSeconds, "lag seconds");
    lagRates.forEach(r -> positive(r, "lag rate"));
    Objects.requireNonNull(ltxInterval, "ltxInterval");
    if (ltxInterval.isNegative()
        || ltxInterval.compareTo(dev.replicafs.cmd.config.DataConfig.MAX_LTX_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "ltx interval must be between 0s and 1s, like data.ltx-interval: "
              + dev.replicafs.cmd.config.GoDuration.format(ltxInterval));
    }
    if (snapshotMiB < 0) {
      throw new IllegalArgumentException("snapshot size must be >= 0: " + snapshotMiB);
    }
  }

  /** How each node process is started. */
  NodeSettings nodeSettings() {
    return new NodeSettings(nodeJvmArgs, ltxInterval);
  }

  private static void positive(long v, String what) {
    if (v <= 0) {
      throw new IllegalArgumentException(what + " must be positive: " + v);
    }
  }
}
