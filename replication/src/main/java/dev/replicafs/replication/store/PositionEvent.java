package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.LtxHeader;
import dev.replicafs.replication.ltx.Pos;
import java.util.Objects;

/**
 * A database moved to a new position because an LTX file was recorded.
 *
 * @param db database name
 * @param pos the new position
 * @param cause what recorded the file
 * @param header the header of the LTX file that records the new position
 */
public record PositionEvent(String db, Pos pos, Cause cause, LtxHeader header) {
  /** What moved the position. */
  public enum Cause {
    /** A local transaction (rollback journal or WAL) on the primary. */
    COMMIT,
    /** An LTX file from the primary applied on a replica. */
    APPLY,
    /** Startup recovery recorded a snapshot because the database and its last LTX disagreed. */
    RECOVERY,
    /** The database was dropped (a deletion LTX, commit 0). */
    DROP
  }

  public PositionEvent {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(header, "header");
  }
}
