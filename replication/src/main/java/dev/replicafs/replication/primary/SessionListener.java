package dev.replicafs.replication.primary;

import dev.replicafs.replication.stream.Ack;

/**
 * Hears the life of replica streams on a primary: opened, acknowledged, ended. Synchronous
 * replication (docs/SYNC.md) counts known replicas and acknowledgements through it. Called on the
 * stream's and the ack endpoint's threads; implementations must be quick and must not throw.
 */
public interface SessionListener {
  /** A stream from {@code session.peer()} opened. */
  void opened(ReplicaSession session);

  /** {@code session}'s replica acknowledged {@code ack}. */
  void acked(ReplicaSession session, Ack ack);

  /** The stream ended. */
  void ended(ReplicaSession session);

  /** Hears nothing. */
  SessionListener NONE =
      new SessionListener() {
        @Override
        public void opened(ReplicaSession session) {}

        @Override
        public void acked(ReplicaSession session, Ack ack) {}

        @Override
        public void ended(ReplicaSession session) {}
      };
}
