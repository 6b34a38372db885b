package dev.replicafs.fuse;

import dev.replicafs.replication.store.Store;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** A {@link MountStatus} over a store, with the replica-side facts settable by the test. */
final class TestStatus implements MountStatus {
  private final Store store;
  volatile String primaryHost;
  volatile Long lag;

  TestStatus(Store store) {
    this.store = store;
  }

  @Override
  public boolean isPrimary() {
    return store.isPrimary();
  }

  @Override
  public Optional<String> connectedPrimary() {
    return store.isPrimary() ? Optional.empty() : Optional.ofNullable(primaryHost);
  }

  @Override
  public OptionalLong lagMillis() {
    Long l = lag;
    return l == null ? OptionalLong.empty() : OptionalLong.of(l);
  }

  @Override
  public Instant lastContact() {
    return Instant.EPOCH;
  }
}
