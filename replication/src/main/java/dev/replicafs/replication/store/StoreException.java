package dev.replicafs.replication.store;

import java.io.IOException;

/**
 * Base of every typed error the store raises. It is an {@link IOException} because every store
 * operation is file I/O at heart; edges (FUSE, HTTP, CLI) translate the concrete subtype once:
 * {@link ReadOnlyReplicaException} to {@code EACCES}, {@link NotFoundException} to {@code ENOENT},
 * anything else to {@code EIO}.
 */
public class StoreException extends IOException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
