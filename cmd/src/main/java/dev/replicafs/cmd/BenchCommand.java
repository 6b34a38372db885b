package dev.replicafs.cmd;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code replicafs bench}: a placeholder until the performance issue brings the benchmarks. It
 * measures nothing and says so, exiting with {@link ExitCodes#UNAVAILABLE}.
 */
@Command(
    name = "bench",
    description = "Benchmarks (not in this build: they arrive with the performance issue).")
final class BenchCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public Integer call() {
    throw new UnavailableException(
        "replicafs bench: benchmarks arrive with the performance issue; nothing was measured");
  }
}
