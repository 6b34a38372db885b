package dev.replicafs.replication.role;

import dev.replicafs.lease.PrimaryInfo;
import java.time.Duration;
import java.util.Objects;

/**
 * The role a node is in, as {@link RoleMachine} reports it to {@link RoleListener}s. A closed set;
 * the transitions between them are drawn in {@link RoleMachine}'s class Javadoc.
 */
public sealed interface RoleState {

  /** Created, not started yet. */
  record Starting() implements RoleState {}

  /** Looking for the primary or trying to become it (LiteFS's lease loop between roles). */
  record Joining(String reason) implements RoleState {
    public Joining {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Holds the lease and accepts writes. */
  record Primary(PrimaryInfo self) implements RoleState {
    public Primary {
      Objects.requireNonNull(self, "self");
    }
  }

  /** Still holds the lease, refuses writes, and waits for {@code target} to catch up. */
  record HandingOff(long target) implements RoleState {}

  /** Lost the lease (renewal failed, expired, revoked); writes were refused at the fence. */
  record Fenced(String cause) implements RoleState {
    public Fenced {
      Objects.requireNonNull(cause, "cause");
    }
  }

  /** Released the lease on request; will not try to acquire it again for {@code delay}. */
  record Demoted(Duration delay) implements RoleState {
    public Demoted {
      Objects.requireNonNull(delay, "delay");
    }
  }

  /** Streams from {@code primary} and refuses writes. */
  record Replica(PrimaryInfo primary) implements RoleState {
    public Replica {
      Objects.requireNonNull(primary, "primary");
    }
  }

  /** The data directory belongs to another cluster; the message says how to fix it. */
  record Refused(String message) implements RoleState {
    public Refused {
      Objects.requireNonNull(message, "message");
    }
  }

  /** Closed: released its lease, stopped streaming. */
  record Closed() implements RoleState {}
}
