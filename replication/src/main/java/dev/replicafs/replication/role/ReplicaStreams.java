package dev.replicafs.replication.role;

import dev.replicafs.lease.PrimaryInfo;

/**
 * The replica side of the replication layer as the role machine drives it. Implemented by the
 * replica client; it reports back through {@link RoleMachine#streamReady()} (initial catch-up done)
 * and {@link RoleMachine#handoffReceived(String)} (the {@code HANDOFF} frame). Tests use a fake.
 */
public interface ReplicaStreams {

  /** Stream from {@code primary} (reconnecting with backoff on errors) until told to stop. */
  void follow(PrimaryInfo primary);

  /** Stop streaming. Idempotent. */
  void stopFollowing();
}
