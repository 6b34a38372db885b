package dev.replicafs.cmd;

import picocli.CommandLine.Option;

/** {@code -h}, {@code -help} and {@code --help} on every command, as Go's flag package accepts. */
final class HelpOption {
  @Option(
      names = {"-h", "-help", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;
}
