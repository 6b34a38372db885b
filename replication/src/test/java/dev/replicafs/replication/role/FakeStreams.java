package dev.replicafs.replication.role;

import dev.replicafs.lease.PrimaryInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The replication layer's seams, faked (the only fakes these tests use): records what the role
 * machine asked for and delivers HANDOFF frames and promotion requests between machines of one
 * {@link RoleNetwork} directly instead of over HTTP. The flush step can be held open by a test.
 */
final class FakeStreams implements PrimaryStreams, ReplicaStreams, HandoffRequester {

  private final RoleNetwork network;
  private final long self;
  final Set<Long> connected = ConcurrentHashMap.newKeySet();
  final AtomicReference<CompletableFuture<Void>> flushGate =
      new AtomicReference<>(CompletableFuture.completedFuture(null));
  final AtomicInteger flushes = new AtomicInteger();
  final AtomicReference<Boolean> writableDuringFlush = new AtomicReference<>();
  volatile boolean serving;
  volatile boolean failSend;
  volatile Optional<PrimaryInfo> following = Optional.empty();
  final AtomicInteger follows = new AtomicInteger();

  FakeStreams(RoleNetwork network, long self) {
    this.network = network;
    this.self = self;
  }

  @Override
  public void startServing() {
    serving = true;
  }

  @Override
  public void stopServing() {
    serving = false;
  }

  @Override
  public boolean isConnectedReplica(long nodeId) {
    return connected.contains(nodeId);
  }

  @Override
  public void flushTo(long nodeId, Duration timeout) throws HandoffException, InterruptedException {
    writableDuringFlush.set(network.node(self).store.isPrimary());
    flushes.incrementAndGet();
    try {
      flushGate.get().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new HandoffException(
          HandoffException.Reason.FLUSH_FAILED, "replica did not confirm within " + timeout, e);
    }
  }

  @Override
  public void sendHandoff(long nodeId, String leaseToken) throws HandoffException {
    RoleNode target = network.node(nodeId);
    if (target == null || failSend) {
      throw new HandoffException(HandoffException.Reason.SEND_FAILED, "no such node " + nodeId);
    }
    target.machine.handoffReceived(leaseToken);
  }

  @Override
  public void follow(PrimaryInfo primary) {
    following = Optional.of(primary);
    follows.incrementAndGet();
    RoleNode leader = network.byHostname(primary.hostname());
    if (leader != null) {
      leader.streams.connected.add(self);
    }
    network.node(self).machine.streamReady();
  }

  @Override
  public void stopFollowing() {
    following.ifPresent(
        p -> {
          RoleNode leader = network.byHostname(p.hostname());
          if (leader != null) {
            leader.streams.connected.remove(self);
          }
        });
    following = Optional.empty();
  }

  @Override
  public void requestHandoff(PrimaryInfo primary, long nodeId)
      throws HandoffException, InterruptedException {
    RoleNode leader = network.byHostname(primary.hostname());
    if (leader == null) {
      throw new HandoffException(HandoffException.Reason.REQUEST_FAILED, "unreachable primary");
    }
    try {
      leader.machine.handoff(nodeId).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof HandoffException h
          ? h
          : new HandoffException(HandoffException.Reason.REQUEST_FAILED, e.toString(), e);
    } catch (TimeoutException e) {
      throw new HandoffException(HandoffException.Reason.REQUEST_FAILED, "no answer", e);
    }
  }
}
