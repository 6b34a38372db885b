package dev.replicafs.cmd;

/**
 * The command's arguments and config are valid but the machinery it needs is not part of this build
 * yet; the CLI prints the message and exits with {@link ExitCodes#UNAVAILABLE}.
 */
public final class UnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message) {
    super(message);
  }
}
