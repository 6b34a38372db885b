package dev.replicafs.replication.role;

import java.util.Objects;

/**
 * The replication layer's seams the role machine drives: streams as primary and as replica, the
 * handoff request for promotion, and the election step asked before acquiring a free lease.
 */
public record RolePorts(
    PrimaryStreams primary,
    ReplicaStreams replica,
    HandoffRequester handoffRequester,
    ElectionStep election) {
  public RolePorts {
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(handoffRequester, "handoffRequester");
    Objects.requireNonNull(election, "election");
  }

  /** Ports without an election step ({@link ElectionStep#NONE}: asynchronous replication). */
  public RolePorts(
      PrimaryStreams primary, ReplicaStreams replica, HandoffRequester handoffRequester) {
    this(primary, replica, handoffRequester, ElectionStep.NONE);
  }
}
