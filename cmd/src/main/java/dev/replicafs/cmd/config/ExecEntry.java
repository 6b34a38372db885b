package dev.replicafs.cmd.config;

/**
 * One {@code exec} command: a command line split with shell-word rules, and whether it runs only on
 * candidate nodes ({@code if-candidate}).
 */
public record ExecEntry(String cmd, boolean ifCandidate) {
  public ExecEntry {
    if (cmd == null || cmd.isBlank()) {
      throw new ConfigException(
          "exec", "exec: every entry needs a non-empty cmd, e.g. exec: \"myapp -addr :8080\"");
    }
  }
}
