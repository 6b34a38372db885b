package dev.replicafs.fuse;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the virtual files of the mount show that the {@code Db} seam does not carry: the node's
 * role, the primary it follows, its replication lag and each database's position. The composition
 * root implements it over the store and the replication client. Positions come from {@code
 * Db.pos()}.
 */
public interface MountStatus {
  /** Whether this node accepts writes now. */
  boolean isPrimary();

  /**
   * The primary's hostname, present only on a replica that is connected to it ({@code .primary}).
   */
  Optional<String> connectedPrimary();

  /**
   * Milliseconds since the last contact with the primary, by the primary's clock; 0 on the primary;
   * empty before the first sync ({@code .lag} then shows {@code +2147483647}).
   */
  OptionalLong lagMillis();

  /** When the primary was last heard from ({@code .lag}'s mtime). */
  Instant lastContact();
}
