package dev.replicafs.cmd;

/**
 * The exit codes of {@code replicafs}, stable for scripts (documented in docs/CLI.md). {@code
 * mount} and {@code run} exit with their child's code once the child ran, so these values describe
 * ReplicaFS's own outcome only.
 */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** A runtime error: startup failed, a node could not be reached, an exec entry failed. */
  public static final int RUNTIME_ERROR = 1;

  /** Bad usage or configuration: unknown flag, missing argument, invalid config file. */
  public static final int USAGE = 2;

  /** The command exists but is not available in this build yet. */
  public static final int UNAVAILABLE = 3;

  /**
   * A fatal internal error: a failure ReplicaFS cannot recover from without risking divergence
   * (LiteFS uses 99 for the same), or a bug.
   */
  public static final int FATAL = 99;

  private ExitCodes() {}
}
