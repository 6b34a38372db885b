package dev.replicafs.fuse;

import java.io.IOException;

/** A refusal the kernel should see as a specific errno (e.g. ENOSYS for mkdir). */
public final class ErrnoException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int errno;

  /**
   * @param errno the positive errno value
   * @param message what was refused and why
   */
  public ErrnoException(int errno, String message) {
    super(message);
    this.errno = errno;
  }

  /**
   * No stack trace: these are expected answers (ENOENT for a journal SQLite probes on every
   * transaction, EPERM for chown), thrown on the request path and never logged with a trace.
   */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  /** The positive errno value. */
  public int errno() {
    return errno;
  }
}
