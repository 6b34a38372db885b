package dev.replicafs.replication.node;

import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.http.RoleControl;
import dev.replicafs.replication.http.RoleView;
import dev.replicafs.replication.role.RoleMachine;
import dev.replicafs.replication.role.RoleState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The node API's view of and control over the role machine: {@code /info}, {@code /events} and
 * metrics read the machine's role; {@code POST /handoff} and {@code POST /promote} go to it.
 */
final class MachineView implements RoleView, RoleControl {
  private final RoleMachine machine;
  private final Supplier<Duration> lag;

  MachineView(RoleMachine machine, Supplier<Duration> lag) {
    this.machine = machine;
    this.lag = lag;
  }

  @Override
  public Optional<PrimaryInfo> primary() {
    return machine.primary();
  }

  @Override
  public boolean isPrimary() {
    return machine.state() instanceof RoleState.Primary;
  }

  @Override
  public Duration lag() {
    return lag.get();
  }

  @Override
  public CompletableFuture<Void> handoff(long nodeId) {
    return machine.handoff(nodeId);
  }

  @Override
  public CompletableFuture<Void> promote() {
    return machine.promote();
  }
}
