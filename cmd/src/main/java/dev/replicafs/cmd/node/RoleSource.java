package dev.replicafs.cmd.node;

import dev.replicafs.lease.PrimaryInfo;
import java.time.Duration;
import java.util.Optional;

/**
 * What the proxy's view reads of the node's role: implemented by {@link Roles} (and by the role
 * machine facade once it replaces it); tests drive a hand-written one.
 */
interface RoleSource {
  /** Whether this node is primary now. */
  boolean isPrimary();

  /** The primary as known now (this node when primary); empty while none is known. */
  Optional<PrimaryInfo> knownPrimary();

  /** Lag behind the primary: zero on the primary, empty on a replica before its first sync. */
  Optional<Duration> lag();
}
