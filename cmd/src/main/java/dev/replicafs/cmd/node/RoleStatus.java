package dev.replicafs.cmd.node;

import dev.replicafs.fuse.MountStatus;
import dev.replicafs.replication.store.Store;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** What the mount's virtual files show ({@code .primary}, {@code .lag}), read from the roles. */
final class RoleStatus implements MountStatus {
  private final Store store;
  private final Roles roles;

  RoleStatus(Store store, Roles roles) {
    this.store = store;
    this.roles = roles;
  }

  @Override
  public boolean isPrimary() {
    return store.isPrimary();
  }

  @Override
  public Optional<String> connectedPrimary() {
    return roles.connectedPrimary();
  }

  @Override
  public OptionalLong lagMillis() {
    return roles.lag().map(d -> OptionalLong.of(d.toMillis())).orElse(OptionalLong.empty());
  }

  @Override
  public Instant lastContact() {
    return roles.lastContact();
  }
}
