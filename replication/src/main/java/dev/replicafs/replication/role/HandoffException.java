package dev.replicafs.replication.role;

import java.util.Objects;

/**
 * A handoff or promotion that did not happen. The {@link Reason} is what the HTTP edge maps to a
 * status ({@code 503} not primary, {@code 409} not a connected replica / not a candidate / not
 * supported, {@code 504} flush timeout); the message says what to do.
 */
public final class HandoffException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the handoff did not happen. */
  public enum Reason {
    /** This node is not the primary (or stopped being it meanwhile). */
    NOT_PRIMARY,
    /** The target is not a replica connected to this primary's stream. */
    NOT_CONNECTED,
    /** The lease backend cannot move its lease (static). */
    NOT_SUPPORTED,
    /** This node may not become primary ({@code lease.candidate: false}). */
    NOT_CANDIDATE,
    /** The target did not confirm it applied everything in time; the old primary resumed. */
    FLUSH_FAILED,
    /** The handoff frame could not be delivered; the old primary took its lease back. */
    SEND_FAILED,
    /** The lease was lost during the handoff. */
    LEASE_LOST,
    /** The primary refused or could not be reached (promote). */
    REQUEST_FAILED,
    /** The role machine is closed. */
    CLOSED
  }

  private final Reason reason;

  public HandoffException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public HandoffException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
