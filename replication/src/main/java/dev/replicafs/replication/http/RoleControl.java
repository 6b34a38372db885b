package dev.replicafs.replication.http;

import java.util.concurrent.CompletableFuture;

/**
 * The role machine's two operator inputs as the node API needs them ({@code POST /handoff}, {@code
 * POST /promote}). The futures fail with {@link dev.replicafs.replication.role.HandoffException},
 * whose reason the endpoint maps to a status.
 */
public interface RoleControl {
  /** Hand the lease to connected replica {@code nodeId}. */
  CompletableFuture<Void> handoff(long nodeId);

  /** Become primary (a replica asks its primary for a handoff). */
  CompletableFuture<Void> promote();
}
