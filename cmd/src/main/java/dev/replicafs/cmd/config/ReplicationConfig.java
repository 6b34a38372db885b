package dev.replicafs.cmd.config;

import java.time.Duration;

/**
 * The {@code replication} section (ReplicaFS extension): synchronous replication.
 *
 * @param sync how many replicas must store a transaction before the commit returns
 * @param syncTimeout how long a commit waits for those acknowledgements
 * @param syncFallback what happens when they do not arrive in time
 */
public record ReplicationConfig(SyncMode sync, Duration syncTimeout, SyncFallback syncFallback) {
  public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(5);

  public ReplicationConfig {
    Checks.present(sync, "replication.sync");
    Checks.positive(syncTimeout, "replication.sync-timeout");
    Checks.present(syncFallback, "replication.sync-fallback");
  }

  /** Asynchronous replication, as LiteFS. */
  public static ReplicationConfig defaults() {
    return new ReplicationConfig(SyncMode.NONE, DEFAULT_SYNC_TIMEOUT, SyncFallback.FAIL);
  }
}
