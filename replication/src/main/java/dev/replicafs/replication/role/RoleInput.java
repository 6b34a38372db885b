package dev.replicafs.replication.role;

import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.PrimaryInfo;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What can happen to a {@link RoleMachine}: every event from another thread (the lease monitor, the
 * watch, the replication layer, the HTTP API, the owner of the node) is queued as one of these and
 * handled, in order, by the machine's owner thread.
 */
sealed interface RoleInput {

  /** The lease {@code term} is lost; the write fence has already closed. */
  record LeaseLost(Lease term, LeaseException cause) implements RoleInput {}

  /** The watch saw the lease key differ from what the machine believes. */
  record PrimaryObserved(Optional<PrimaryInfo> primary) implements RoleInput {}

  /** {@code POST /handoff?nodeID=target} on this node. */
  record HandoffRequested(long target, CompletableFuture<Void> done) implements RoleInput {}

  /** The primary handed its lease to this node (the stream's {@code HANDOFF} frame). */
  record HandoffReceived(String token) implements RoleInput {}

  /** {@code POST /promote}, {@code replicafs run -promote}. */
  record Promote(CompletableFuture<Void> done) implements RoleInput {}

  /** A promotion request to the primary failed. */
  record PromoteFailed(HandoffException cause) implements RoleInput {}

  /** Manual demotion of the primary. */
  record Demote(CompletableFuture<Void> done) implements RoleInput {}

  /** The replica's initial catch-up is done. */
  record StreamReady() implements RoleInput {}

  /** Shut down. */
  record Close() implements RoleInput {}
}
