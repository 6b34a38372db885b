package dev.replicafs.replication.role;

import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.role.HandoffException.Reason;
import dev.replicafs.replication.store.Store;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who this node is in the cluster: the one owner of every role transition (LiteFS's {@code
 * Store.monitorLease}), driven by a {@link Leaser} and driving the store's write permission and the
 * replication layer through {@link RolePorts}.
 *
 * <pre>
 *  STARTING ──start()──► JOINING ◄──────────────────────────────────────────────────────┐
 *   each pass: cluster ID check (mismatch ─► REFUSED, re-checked every reconnect-delay) │
 *     handed-off token? acquireExisting ─────────────────────────► PRIMARY              │
 *     primaryInfo(): none &amp; eligible ─► acquire ─ ok ────────────► PRIMARY              │
 *                    none &amp; not eligible ─► wait (watch or reconnect-delay), log once  │
 *                    P (≠ self) ──────────────────────────────────► REPLICA(P)           │
 *                    self, no lease held (handoff in flight, old term) ─► wait for watch │
 *                                                                                       │
 *  PRIMARY ── lease lost (LeaseMonitor fence at validUntil, or the key changed under it)  │
 *     │         ─► FENCED: writes already refused ───────────────────────────────────────┤
 *     ├─ handoff(B): B connected? ─► HANDING_OFF: writes refused, flushTo(B)             │
 *     │      ├ flush failed/timeout ─► fence reopened ─► PRIMARY (request fails)         │
 *     │      └ confirmed ─► detach, sendHandoff(B, token) ───────────────────────────────┤
 *     ├─ demote() ─► release ─► DEMOTED (not eligible for demote-delay) ─────────────────┤
 *     └─ close() ─► release (others take over at once) ─► CLOSED                        │
 *                                                                                       │
 *  REPLICA(P) ── watch: key empty or names Q ≠ P ────────────────────────────────────────┤
 *     ├─ handoffReceived(token) ─► JOINING with token, no reconnect delay ────────────────┘
 *     ├─ promote() / lease.promote at streamReady ─► ask P for a handoff (async)
 *     └─ close() ─► CLOSED
 * </pre>
 *
 * <p>Threads: the owner ({@code replicafs-role}) makes every transition and every lease call except
 * renewals; inputs from other threads are queued ({@link RoleInput}). The lease monitor's threads
 * renew and, at the lease's fencing deadline, close the write fence themselves before they queue
 * the loss, so writes stop on time even while the owner is busy ({@link WriteFence}). The watch
 * thread ({@code replicafs-role-watch}) reports key changes; {@code replicafs-role-promote} sends
 * promotion requests. Every exit from PRIMARY refuses writes, stops serving streams and releases
 * the lease (unless handed off); every exit from REPLICA stops following.
 *
 * <p>This class is over 400 lines (a third of it Javadoc) because it keeps the loop, the JOINING
 * and REPLICA states and the public inputs together, so every transition can be read in one place;
 * the PRIMARY state lives in {@link PrimaryRole} and one JOINING pass in {@link Joiner}.
 */
public final class RoleMachine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoleMachine.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final Leaser leaser;
  private final RoleOptions options;
  private final RolePorts ports;
  private final Clock clock;
  private final PrimaryInfo self;
  private final WriteFence fence;
  private final ClusterIdentity identity;
  private final Joiner joiner;
  private final PrimaryWatcher watcher;
  private final LinkedBlockingQueue<RoleInput> inputs = new LinkedBlockingQueue<>();
  private final List<RoleListener> listeners = new CopyOnWriteArrayList<>();
  private final Thread owner;
  private final ExecutorService promoter =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "replicafs-role-promote");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean promoting = new AtomicBoolean();
  private volatile RoleState state = new RoleState.Starting();
  private volatile PrimaryWatcher.Belief belief = new PrimaryWatcher.Belief(0, Optional.empty());
  private boolean started;
  private boolean closeCalled;

  // owned by the owner thread
  private boolean closing;
  private Instant ineligibleUntil = Instant.MIN;
  private boolean startupPromoteDone;
  private final List<CompletableFuture<Void>> promoteWaiters = new ArrayList<>();

  /**
   * @param leaser the lease backend (not closed by this machine)
   * @param store whose write permission this machine owns ({@link Store#setPrimary})
   * @param clock a monotonic clock ({@link dev.replicafs.lease.MonotonicClock}), as the leaser's
   */
  public RoleMachine(
      Leaser leaser, Store store, RoleOptions options, RolePorts ports, Clock clock) {
    this.leaser = Objects.requireNonNull(leaser, "leaser");
    this.options = Objects.requireNonNull(options, "options");
    this.ports = Objects.requireNonNull(ports, "ports");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.self = new PrimaryInfo(leaser.hostname(), leaser.advertiseUrl());
    this.fence = new WriteFence(Objects.requireNonNull(store, "store"));
    this.identity = new ClusterIdentity(leaser, store, new SecureRandom());
    this.joiner = new Joiner(leaser, identity, self, ports.election());
    this.watcher = new PrimaryWatcher(leaser, () -> belief, this::post, options.reconnectDelay());
    this.owner = new Thread(this::run, "replicafs-role");
    this.owner.setDaemon(true);
  }

  /** Adds a listener for every later transition. */
  public void addListener(RoleListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Starts the owner and watch threads. */
  public synchronized void start() {
    if (started || closeCalled) {
      throw new IllegalStateException("role machine already started or closed");
    }
    started = true;
    fence.close();
    owner.start();
    watcher.start();
  }

  /** The current role. */
  public RoleState state() {
    return state;
  }

  /** The primary as this node knows it (itself when primary), for the node API and the proxy. */
  public Optional<PrimaryInfo> primary() {
    RoleState s = state;
    if (s instanceof RoleState.Primary p) {
      return Optional.of(p.self());
    }
    if (s instanceof RoleState.Replica r) {
      return Optional.of(r.primary());
    }
    return Optional.empty();
  }

  /**
   * {@code POST /handoff?nodeID=}: hands the lease to connected replica {@code nodeId} once it has
   * applied everything this node committed. Completes when the handoff frame was sent; fails with
   * {@link HandoffException} saying why not.
   */
  public CompletableFuture<Void> handoff(long nodeId) {
    return request(f -> new RoleInput.HandoffRequested(nodeId, f));
  }

  /**
   * {@code POST /promote}: completes when this node is primary (at once if it is); a replica asks
   * its primary for a handoff. Fails for a non-candidate or when the primary refuses.
   */
  public CompletableFuture<Void> promote() {
    return request(RoleInput.Promote::new);
  }

  /** Releases the lease if primary and stays out of the election for {@code demote-delay}. */
  public CompletableFuture<Void> demote() {
    return request(RoleInput.Demote::new);
  }

  /** The replica client received a HANDOFF frame carrying {@code token}. */
  public void handoffReceived(String token) {
    post(new RoleInput.HandoffReceived(Objects.requireNonNull(token, "token")));
  }

  /** The replica client finished its initial catch-up. */
  public void streamReady() {
    post(new RoleInput.StreamReady());
  }

  /**
   * Stops: a primary refuses writes, stops serving and releases its lease so another node takes
   * over at once; a replica stops following. Waits for the owner thread. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closeCalled) {
        return;
      }
      closeCalled = true;
    }
    if (started) {
      post(new RoleInput.Close());
      try {
        owner.join(CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (owner.isAlive()) {
        LOG.warn("role owner thread did not stop within {}", CLOSE_WAIT);
      }
    } else {
      transition(new RoleState.Closed());
    }
    watcher.close();
    promoter.shutdownNow();
  }

  private CompletableFuture<Void> request(
      java.util.function.Function<CompletableFuture<Void>, RoleInput> input) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (this) {
      if (closeCalled) {
        done.completeExceptionally(new HandoffException(Reason.CLOSED, "node is shutting down"));
        return done;
      }
    }
    post(input.apply(done));
    return done;
  }

  // ---- the owner thread ----

  private void run() {
    try {
      while (!closing) {
        Instant now = clock.instant();
        boolean eligible = leaser.candidate() && !now.isBefore(ineligibleUntil);
        Joiner.Outcome outcome = joiner.attempt(eligible);
        if (outcome instanceof Joiner.Outcome.Acquired acquired) {
          new PrimaryRole(this, acquired.lease(), acquired.tookOver()).run();
        } else if (outcome instanceof Joiner.Outcome.Follow follow) {
          runReplica(follow.primary());
        } else if (outcome instanceof Joiner.Outcome.Wait wait) {
          believe(wait.seen());
          transition(new RoleState.Joining(wait.reason()));
          awaitWhileJoining(joiningWait(eligible, now));
        } else if (outcome instanceof Joiner.Outcome.Refused refused) {
          believe(Optional.empty());
          transition(new RoleState.Refused(refused.message()));
          awaitWhileJoining(options.reconnectDelay());
        }
      }
    } catch (InterruptedException e) {
      LOG.warn("role owner thread interrupted, stopping");
    } catch (RuntimeException | Error e) {
      LOG.error("role machine failed, stopping", e);
      throw e;
    } finally {
      fence.close();
      ports.primary().stopServing();
      ports.replica().stopFollowing();
      HandoffException closed = new HandoffException(Reason.CLOSED, "node is shutting down");
      promoteWaiters.forEach(f -> f.completeExceptionally(closed));
      for (RoleInput left; (left = inputs.poll()) != null; ) {
        failRequest(left, closed);
      }
      transition(new RoleState.Closed());
    }
  }

  private Duration joiningWait(boolean eligible, Instant now) {
    if (!eligible && leaser.candidate() && now.isBefore(ineligibleUntil)) {
      Duration left = Duration.between(now, ineligibleUntil).plusMillis(1);
      return left.compareTo(options.reconnectDelay()) < 0 ? left : options.reconnectDelay();
    }
    return options.reconnectDelay();
  }

  /** Waits up to {@code timeout} for one input, handles it, and returns to retry joining. */
  private void awaitWhileJoining(Duration timeout) throws InterruptedException {
    RoleInput input = inputs.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (input != null) {
      handleAsNonPrimary(input, Optional.empty());
    }
  }

  private void runReplica(PrimaryInfo primary) throws InterruptedException {
    believe(Optional.of(primary));
    ports.replica().follow(primary);
    transition(new RoleState.Replica(primary));
    try {
      if (!promoteWaiters.isEmpty()) {
        requestPromotion(primary);
      }
      while (!closing) {
        RoleInput input = inputs.take();
        if (input instanceof RoleInput.PrimaryObserved observed) {
          if (!observed.primary().equals(Optional.of(primary))) {
            LOG.info(
                "primary changed: was={} now={}",
                primary.hostname(),
                observed.primary().map(PrimaryInfo::hostname).orElse("none"));
            return;
          }
        } else if (input instanceof RoleInput.HandoffReceived received) {
          LOG.info("lease handed to this node by primary={}", primary.hostname());
          joiner.handedOff(received.token());
          return;
        } else if (input instanceof RoleInput.StreamReady) {
          if (options.promote() && !startupPromoteDone && leaser.candidate()) {
            startupPromoteDone = true;
            LOG.info("caught up, promoting (lease.promote): primary={}", primary.hostname());
            requestPromotion(primary);
          }
        } else {
          handleAsNonPrimary(input, Optional.of(primary));
        }
      }
    } finally {
      ports.replica().stopFollowing();
    }
  }

  private void handleAsNonPrimary(RoleInput input, Optional<PrimaryInfo> primary) {
    if (input instanceof RoleInput.Close) {
      closing = true;
    } else if (input instanceof RoleInput.HandoffReceived received) {
      joiner.handedOff(received.token());
    } else if (input instanceof RoleInput.Promote promote) {
      if (!leaser.candidate()) {
        promote
            .done()
            .completeExceptionally(
                new HandoffException(
                    Reason.NOT_CANDIDATE,
                    "this node is not a candidate (lease.candidate: false) and cannot be promoted"));
      } else {
        promoteWaiters.add(promote.done());
        primary.ifPresentOrElse(this::requestPromotion, joiner::promoteRequested);
      }
    } else if (input instanceof RoleInput.PromoteFailed failed) {
      promoteWaiters.forEach(f -> f.completeExceptionally(failed.cause()));
      promoteWaiters.clear();
    } else if (input instanceof RoleInput.Demote demote) {
      demote.done().complete(null); // not primary: nothing to release
    } else if (input instanceof RoleInput.HandoffRequested request) {
      request
          .done()
          .completeExceptionally(
              new HandoffException(
                  Reason.NOT_PRIMARY,
                  "this node is not the primary"
                      + primary.map(p -> "; the primary is " + p.advertiseUrl()).orElse("")));
    }
  }

  private void requestPromotion(PrimaryInfo primary) {
    if (!promoting.compareAndSet(false, true)) {
      return;
    }
    promoter.execute(
        () -> {
          try {
            ports.handoffRequester().requestHandoff(primary, options.nodeId());
          } catch (HandoffException e) {
            post(new RoleInput.PromoteFailed(e));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            promoting.set(false);
          }
        });
  }

  private static void failRequest(RoleInput input, HandoffException closed) {
    if (input instanceof RoleInput.HandoffRequested r) {
      r.done().completeExceptionally(closed);
    } else if (input instanceof RoleInput.Promote p) {
      p.done().completeExceptionally(closed);
    } else if (input instanceof RoleInput.Demote d) {
      d.done().complete(null);
    }
  }

  // ---- for PrimaryRole (owner thread) ----

  void post(RoleInput input) {
    inputs.add(input);
  }

  RoleInput take() throws InterruptedException {
    return inputs.take();
  }

  void transition(RoleState next) {
    RoleState previous = state;
    if (previous.equals(next)) {
      return;
    }
    state = next;
    LOG.info("role changed: from={} to={}", previous, next);
    for (RoleListener listener : listeners) {
      try {
        listener.roleChanged(previous, next);
      } catch (RuntimeException e) {
        LOG.warn("role listener failed: listener={}", listener, e);
      }
    }
  }

  /** Owner thread only: what the watch compares the key against. */
  void believe(Optional<PrimaryInfo> primary) {
    belief = new PrimaryWatcher.Belief(belief.version() + 1, primary);
  }

  void promotionSucceeded() {
    promoteWaiters.forEach(f -> f.complete(null));
    promoteWaiters.clear();
  }

  void demoted() {
    ineligibleUntil = clock.instant().plus(options.demoteDelay());
    transition(new RoleState.Demoted(options.demoteDelay()));
  }

  void closing() {
    closing = true;
  }

  void reclaim(String token) {
    joiner.handedOff(token);
  }

  WriteFence fence() {
    return fence;
  }

  ClusterIdentity identity() {
    return identity;
  }

  Leaser leaser() {
    return leaser;
  }

  RolePorts ports() {
    return ports;
  }

  RoleOptions options() {
    return options;
  }

  Clock clock() {
    return clock;
  }

  PrimaryInfo self() {
    return self;
  }
}
