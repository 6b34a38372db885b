package dev.replicafs.replication.node;

import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.replica.ReplicaObserver;
import dev.replicafs.replication.role.ReplicaStreams;
import dev.replicafs.replication.role.RoleMachine;
import java.util.Objects;

/**
 * The replica side the role machine drives ({@link ReplicaStreams}): follows a primary with the
 * node's {@code ReplicaClient} and reports its READY ({@link RoleMachine#streamReady()}) and
 * HANDOFF ({@link RoleMachine#handoffReceived(String)}) back to the machine, set once it exists,
 * and PEERS to the election step.
 */
final class ReplicaFollower implements ReplicaStreams, ReplicaObserver {
  private final ReplicationNode replication;
  private final Runnable onReady;
  private final java.util.function.Consumer<dev.replicafs.replication.stream.StreamFrame.Peers>
      onPeers;
  private volatile RoleMachine machine;

  ReplicaFollower(
      ReplicationNode replication,
      Runnable onReady,
      java.util.function.Consumer<dev.replicafs.replication.stream.StreamFrame.Peers> onPeers) {
    this.replication = replication;
    this.onReady = onReady;
    this.onPeers = onPeers;
  }

  /** The machine to report to (it is built with this follower as one of its ports). */
  void reportTo(RoleMachine machine) {
    this.machine = Objects.requireNonNull(machine, "machine");
  }

  @Override
  public void follow(PrimaryInfo primary) {
    replication.follow(primary, this);
  }

  @Override
  public void stopFollowing() {
    replication.stopFollowing();
  }

  @Override
  public void ready() {
    machine.streamReady();
    onReady.run();
  }

  @Override
  public void peers(dev.replicafs.replication.stream.StreamFrame.Peers peers) {
    onPeers.accept(peers);
  }

  @Override
  public void handoff(String token) {
    machine.handoffReceived(token);
  }
}
