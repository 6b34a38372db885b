package dev.replicafs.cmd.bench;

import dev.replicafs.fuse.MountStatus;
import dev.replicafs.replication.node.ReplicationNode;
import dev.replicafs.replication.store.Store;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** The virtual files' view of a bench node: role from the store, lag from the replica client. */
final class NodeStatus implements MountStatus {
  private final Store store;
  private final ReplicationNode node;

  NodeStatus(Store store, ReplicationNode node) {
    this.store = store;
    this.node = node;
  }

  @Override
  public boolean isPrimary() {
    return store.isPrimary();
  }

  @Override
  public Optional<String> connectedPrimary() {
    if (store.isPrimary()) {
      return Optional.empty();
    }
    return node.replica().isPresent() ? node.primary().map(p -> p.hostname()) : Optional.empty();
  }

  @Override
  public OptionalLong lagMillis() {
    return store.isPrimary() ? OptionalLong.of(0) : OptionalLong.of(node.lag().toMillis());
  }

  @Override
  public Instant lastContact() {
    return Instant.now();
  }
}
