package dev.replicafs.cmd;

import dev.replicafs.cmd.bench.BenchOptions;
import dev.replicafs.cmd.bench.BenchRun;
import dev.replicafs.cmd.bench.Report;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replicafs bench}: measures, in one run and on one disk, every workload of the performance
 * issue on the raw disk, on a ReplicaFS mount (a primary with N replicas streaming, each a child
 * JVM) and optionally on a baseline mount; prints a table of figures and ratios and writes JSON.
 * See docs/BENCHMARKS.md. Needs root (FUSE) and a free disk of a few GB at default sizes.
 */
@Command(
    name = "bench",
    description =
        "Benchmark raw disk vs ReplicaFS (primary + replicas) vs an optional baseline mount.",
    footer = {"", "Exit codes: 0 ok; 1 runtime error; 2 usage error."})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Option(
      names = {"-dir", "--dir"},
      paramLabel = "DIR",
      defaultValue = "replicafs-bench",
      description = {
        "Work directory on the disk under test (a fresh subdirectory is used).",
        "Default: ${DEFAULT-VALUE}"
      })
  Path dir;

  @Option(
      names = {"-replicas", "--replicas"},
      defaultValue = "1",
      description =
          "Replicas streaming from the primary; 0 measures the mount alone (no replica"
              + " reads, no lag). Default: ${DEFAULT-VALUE}")
  int replicas;

  @Option(
      names = {"-baseline", "--baseline"},
      paramLabel = "DIR",
      description = "A mounted directory to measure too (e.g. the C passthrough).")
  Path baseline;

  @Option(
      names = {"-warmup-tx", "--warmup-tx"},
      defaultValue = "10000",
      description =
          "Untimed single-row transactions per target and mode before the timed ones (a fifth in"
              + " the FULL modes), so that the freshly started node JVMs are measured after their"
              + " JIT warm-up; 0 skips. Default: ${DEFAULT-VALUE}")
  int warmupTx;

  @Option(
      names = {"-tx-normal", "--tx-normal"},
      defaultValue = "5000",
      description = "Single-row transactions in WAL+NORMAL. Default: ${DEFAULT-VALUE}")
  int txNormal;

  @Option(
      names = {"-rounds", "--rounds"},
      defaultValue = "5",
      description =
          "Rounds the single-row transactions of each mode are split into; each round runs a share"
              + " on every target in turn (raw, baseline, ReplicaFS; the order rotated each round),"
              + " so the ratios compare the same minutes of the machine. Default: ${DEFAULT-VALUE}")
  int rounds;

  @Option(
      names = {"-tx-full", "--tx-full"},
      defaultValue = "1000",
      description =
          "Single-row transactions in WAL+FULL and DELETE+FULL. Default: ${DEFAULT-VALUE}")
  int txFull;

  @Option(
      names = {"-batches", "--batches"},
      defaultValue = "50",
      description = "Batched transactions. Default: ${DEFAULT-VALUE}")
  int batches;

  @Option(
      names = {"-batch-rows", "--batch-rows"},
      defaultValue = "1000",
      description = "Rows per batched transaction. Default: ${DEFAULT-VALUE}")
  int batchRows;

  @Option(
      names = {"-read-rows", "--read-rows"},
      defaultValue = "65536",
      description = "Rows (1,000-byte blobs) of the read database. Default: ${DEFAULT-VALUE}")
  long readRows;

  @Option(
      names = {"-point-reads", "--point-reads"},
      defaultValue = "20000",
      description = "Point reads per pass. Default: ${DEFAULT-VALUE}")
  int pointReads;

  @Option(
      names = {"-lag-rates", "--lag-rates"},
      split = ",",
      defaultValue = "200,1000",
      description = "Rates (tx/s) for the lag measurement. Default: ${DEFAULT-VALUE}")
  List<Integer> lagRates;

  @Option(
      names = {"-lag-seconds", "--lag-seconds"},
      defaultValue = "10",
      description = "Seconds per lag rate. Default: ${DEFAULT-VALUE}")
  int lagSeconds;

  @Option(
      names = {"-snapshot-mib", "--snapshot-mib"},
      defaultValue = "1024",
      description = "Size of the snapshot database in MiB, 0 to skip. Default: ${DEFAULT-VALUE}")
  int snapshotMiB;

  @Option(
      names = {"-node-jvm-arg", "--node-jvm-arg"},
      paramLabel = "ARG",
      description = "Extra JVM argument for the node processes (repeatable), e.g. JFR.")
  List<String> nodeJvmArgs = List.of();

  @Option(
      names = {"-ltx-interval", "--ltx-interval"},
      paramLabel = "DURATION",
      defaultValue = "1ms",
      description =
          "The nodes' data.ltx-interval (e.g. 0s, 1ms, 3ms): least time between two LTX files of"
              + " a database's WAL commits. Default: ${DEFAULT-VALUE}")
  String ltxInterval;

  @Option(
      names = {"-json", "--json"},
      paramLabel = "FILE",
      description = "JSON report. Default: DIR/bench.json")
  Path json;

  @Option(
      names = {"-keep", "--keep"},
      description = "Keep the run's files afterwards.")
  boolean keep;

  private java.time.Duration interval() {
    try {
      return dev.replicafs.cmd.config.GoDuration.parse(ltxInterval);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-ltx-interval: " + e.getMessage(), e);
    }
  }

  @Override
  public Integer call() throws Exception {
    BenchOptions options;
    try {
      options =
          new BenchOptions(
              dir,
              replicas,
              Optional.ofNullable(baseline),
              warmupTx,
              txNormal,
              txFull,
              rounds,
              batches,
              batchRows,
              readRows,
              pointReads,
              lagRates,
              lagSeconds,
              snapshotMiB,
              nodeJvmArgs,
              interval(),
              json != null ? json : dir.resolve("bench.json"),
              keep);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (options.baseline().isPresent() && !Files.isDirectory(options.baseline().get())) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "baseline is not a directory: " + options.baseline().get());
    }
    Files.createDirectories(dir);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> report;
    try {
      report = new BenchRun(options, out).run();
    } catch (java.sql.SQLException | IllegalStateException e) {
      throw new CliException("bench failed: " + e.getMessage(), e);
    }
    Report.write(report, out, options.json());
    return ExitCodes.OK;
  }
}
