package dev.replicafs.replication.replica;

import java.io.IOException;

/**
 * The primary sent an incremental LTX file that does not continue this replica's position. The
 * replica drops the stream and reconnects with its position, and the primary then sends what fits
 * (a snapshot if the histories differ).
 */
public final class PositionMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  public PositionMismatchException(String message) {
    super(message);
  }
}
