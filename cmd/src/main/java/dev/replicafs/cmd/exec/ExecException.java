package dev.replicafs.cmd.exec;

/**
 * An {@code exec} entry could not be run: it could not be parsed or started, or an entry before the
 * last exited with a non-zero code. The message names the command and says what happened; the CLI
 * prints it and exits with code 1.
 */
public final class ExecException extends Exception {
  private static final long serialVersionUID = 1L;

  public ExecException(String message) {
    super(message);
  }

  public ExecException(String message, Throwable cause) {
    super(message, cause);
  }
}
