package dev.replicafs.replication.role;

import dev.replicafs.lease.HandoffNotSupportedException;
import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.LeaseMonitor;
import dev.replicafs.lease.NoPrimaryException;
import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.role.HandoffException.Reason;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PRIMARY state of a {@link RoleMachine}, run on its owner thread for one lease term: claim the
 * cluster ID, serve streams, open the write fence, then handle inputs until the term ends (lease
 * lost, handoff, demotion, close). On every exit writes are refused, streams stop, the renewals
 * stop, and the lease is released unless it was handed off.
 *
 * <p>Planned handoff to replica B (docs/LEASES.md §3): B must be connected; writes stop (fence
 * closed, state HANDING_OFF); the replication layer ships everything to B and returns once B
 * confirmed applying it, or fails after {@code handoffTimeout}, which aborts the handoff and
 * reopens the fence (if the lease is still valid); then the lease is detached (not released) and
 * its ID sent to B in the HANDOFF frame. The detach's last renewal is sent when HANDING_OFF begins,
 * overlapping the flush; the detach renews again only if that was more than TTL/4 ago, so B always
 * finds at least 3/4 of a TTL left on the lease. If that frame cannot be sent, this node takes its
 * own lease back on the next JOINING pass.
 */
final class PrimaryRole {
  private static final Logger LOG = LoggerFactory.getLogger(PrimaryRole.class);

  private final RoleMachine machine;
  private final Lease lease;
  private final boolean tookOver;
  private LeaseMonitor monitor;
  private Optional<PrimaryInfo> expectedKey = Optional.empty();

  /**
   * @param tookOver the lease was handed to this node and its key rewritten with this node's info
   *     by {@link dev.replicafs.lease.Leaser#acquireExisting} just now
   */
  PrimaryRole(RoleMachine machine, Lease lease, boolean tookOver) {
    this.machine = machine;
    this.lease = lease;
    this.tookOver = tookOver;
  }

  /** Runs the term; returns when this node is no longer primary. */
  void run() throws InterruptedException {
    WriteFence fence = machine.fence();
    monitor =
        LeaseMonitor.start(
            lease,
            machine.clock(),
            cause -> {
              fence.lost(lease);
              machine.post(new RoleInput.LeaseLost(lease, cause));
            });
    try {
      if (!claimClusterId()) {
        return;
      }
      // A takeover's transaction just wrote this node's info under the key; a later change is
      // reported by the watch, which compares the key with this belief.
      expectedKey = tookOver ? Optional.of(machine.self()) : initialKey();
      machine.believe(expectedKey);
      machine.ports().primary().startServing();
      if (!fence.open(monitor)) {
        machine.transition(new RoleState.Fenced("lease expired before writes were allowed"));
        return;
      }
      machine.transition(new RoleState.Primary(machine.self()));
      machine.promotionSucceeded();
      loop();
    } finally {
      fence.close();
      RoleState now = machine.state();
      if (now instanceof RoleState.Primary || now instanceof RoleState.HandingOff) {
        machine.transition(new RoleState.Joining("stepped down"));
      }
      machine.ports().primary().stopServing();
      monitor.close();
      lease.close();
    }
  }

  /** What the key holds while this node is primary: its info, or nothing (static lease). */
  private Optional<PrimaryInfo> initialKey() {
    try {
      return readKey();
    } catch (LeaseException e) {
      return Optional.of(machine.self());
    }
  }

  private boolean claimClusterId() {
    try {
      if (tookOver && machine.identity().confirmedForTakeover()) {
        return true; // set-once keys already seen equal by this process: docs/LEASES.md §5
      }
      machine.identity().afterAcquire();
      return true;
    } catch (LeaseException | IOException e) {
      LOG.warn("releasing the lease, cluster id not settled: error={}", e.getMessage());
      return false;
    }
  }

  private void loop() throws InterruptedException {
    while (true) {
      RoleInput input = machine.take();
      if (input instanceof RoleInput.LeaseLost lost) {
        if (lost.term() == lease) {
          machine.transition(new RoleState.Fenced(lost.cause().getMessage()));
          return;
        }
      } else if (input instanceof RoleInput.HandoffRequested request) {
        if (handoff(request)) {
          return;
        }
      } else if (input instanceof RoleInput.Demote demote) {
        machine.fence().close();
        machine.demoted();
        demote.done().complete(null);
        return;
      } else if (input instanceof RoleInput.Close) {
        machine.fence().close();
        machine.closing();
        machine.transition(new RoleState.Closed());
        return;
      } else if (input instanceof RoleInput.PrimaryObserved observed) {
        if (!observed.primary().equals(expectedKey) && keyChanged()) {
          return;
        }
      } else if (input instanceof RoleInput.Promote promote) {
        promote.done().complete(null);
      } else {
        LOG.debug("ignored while primary: input={}", input);
      }
    }
  }

  /**
   * The watch says the key differs from what it held when this term began: read it again (the event
   * may predate the term) and step down if it really changed (expired, revoked, deleted by hand, or
   * taken over), since another node may acquire it now.
   */
  private boolean keyChanged() {
    Optional<PrimaryInfo> now;
    try {
      now = readKey();
    } catch (LeaseException e) {
      return false; // coordinator unreachable: the monitor's deadline decides
    }
    if (now.equals(expectedKey)) {
      return false;
    }
    machine.fence().lost(lease);
    machine.transition(
        new RoleState.Fenced(
            "lease key changed under this primary: now "
                + now.map(PrimaryInfo::hostname).orElse("empty")));
    return true;
  }

  private Optional<PrimaryInfo> readKey() throws LeaseException {
    try {
      return Optional.of(machine.leaser().primaryInfo());
    } catch (NoPrimaryException e) {
      return Optional.empty();
    }
  }

  /** Returns true when this node is no longer primary afterwards. */
  private boolean handoff(RoleInput.HandoffRequested request) throws InterruptedException {
    long target = request.target();
    String node = String.format("%016X", target);
    if (!machine.ports().primary().isConnectedReplica(target)) {
      fail(
          request,
          Reason.NOT_CONNECTED,
          "node "
              + node
              + " is not a replica connected to this primary, or not a candidate"
              + " (lease.candidate: false)");
      return false;
    }
    try {
      lease.handoff(target);
    } catch (HandoffNotSupportedException e) {
      fail(request, Reason.NOT_SUPPORTED, e.getMessage());
      return false;
    } catch (LeaseException e) {
      fail(request, Reason.LEASE_LOST, e.getMessage());
      return false;
    } catch (IllegalStateException e) {
      LOG.debug(
          "handoff signal already set on this lease (earlier attempt aborted): {}", e.getMessage());
    }
    machine.fence().close();
    machine.transition(new RoleState.HandingOff(target));
    Instant started = machine.clock().instant();
    monitor.renewNow(); // the detach's last renewal, overlapped with the flush
    try {
      machine.ports().primary().flushTo(target, machine.options().handoffTimeout());
    } catch (HandoffException e) {
      return resume(request, e);
    }
    Duration flushed = Duration.between(started, machine.clock().instant());
    if (!monitor.isValid()) {
      fail(request, Reason.LEASE_LOST, "lease lost while flushing to node " + node);
      machine.transition(new RoleState.Fenced("lease lost during handoff"));
      return true;
    }
    monitor.close();
    String token;
    try {
      token = lease.detach(lease.ttl().dividedBy(4)); // renews again unless renewNow was recent
    } catch (LeaseException e) {
      fail(request, Reason.LEASE_LOST, "lease lost at handoff: " + e.getMessage());
      machine.transition(new RoleState.Fenced(e.getMessage()));
      return true;
    }
    try {
      machine.ports().primary().sendHandoff(target, token);
    } catch (HandoffException e) {
      LOG.warn(
          "handoff frame not delivered, taking the lease back: target={} error={}",
          node,
          e.getMessage());
      machine.reclaim(token);
      fail(request, Reason.SEND_FAILED, e.getMessage());
      return true;
    }
    LOG.info(
        "lease handed off: target={} lease={} flush_ms={} total_ms={}",
        node,
        token,
        flushed.toMillis(),
        Duration.between(started, machine.clock().instant()).toMillis());
    request.done().complete(null);
    return true;
  }

  private boolean resume(RoleInput.HandoffRequested request, HandoffException cause) {
    String node = String.format("%016X", request.target());
    if (machine.fence().open(monitor)) {
      LOG.warn(
          "handoff aborted, resuming as primary: target={} error={}", node, cause.getMessage());
      machine.transition(new RoleState.Primary(machine.self()));
      request
          .done()
          .completeExceptionally(
              new HandoffException(
                  Reason.FLUSH_FAILED,
                  "handoff to node " + node + " aborted: " + cause.getMessage(),
                  cause));
      return false;
    }
    fail(request, Reason.LEASE_LOST, "lease lost while handing off to node " + node);
    machine.transition(new RoleState.Fenced("lease lost during handoff"));
    return true;
  }

  private static void fail(RoleInput.HandoffRequested request, Reason reason, String message) {
    request.done().completeExceptionally(new HandoffException(reason, message));
  }
}
