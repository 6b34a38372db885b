package dev.replicafs.cmd;

/**
 * A runtime failure with a message a user can act on (the node is unreachable, a file cannot be
 * written); the CLI prints it on one line and exits with {@link ExitCodes#RUNTIME_ERROR}.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
