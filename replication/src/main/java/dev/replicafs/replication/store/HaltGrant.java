package dev.replicafs.replication.store;

import dev.replicafs.replication.ltx.Pos;
import java.time.Duration;
import java.util.Objects;

/**
 * The primary's answer to a halt request: the position the replica must reach before it writes, and
 * how long the primary honours the halt without activity.
 */
public record HaltGrant(Pos pos, Duration ttl) {
  public HaltGrant {
    Objects.requireNonNull(pos, "pos");
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("halt ttl must be positive: " + ttl);
    }
  }
}
