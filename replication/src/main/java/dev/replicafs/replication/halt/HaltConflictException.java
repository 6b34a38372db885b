package dev.replicafs.replication.halt;

import java.io.IOException;

/**
 * A halt request that conflicts with the halt state: another node holds it, or the caller's halt
 * expired or was released. The node API answers {@code 409} with the message.
 */
public final class HaltConflictException extends IOException {
  private static final long serialVersionUID = 1L;

  public HaltConflictException(String message) {
    super(message);
  }
}
