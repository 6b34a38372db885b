package dev.replicafs.replication.role;

import java.util.Objects;

/** The replication layer's three seams the role machine drives. */
public record RolePorts(
    PrimaryStreams primary, ReplicaStreams replica, HandoffRequester handoffRequester) {
  public RolePorts {
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(handoffRequester, "handoffRequester");
  }
}
