package dev.replicafs.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a held {@link Lease} alive and says, early, when it is lost: the primary's renewal loop and
 * its fence.
 *
 * <p>Renews {@code renewInterval} (default {@link Lease#renewInterval()}) after the last successful
 * renewal was <em>sent</em> ({@link Lease#renewedAt()}; for a new lease, the grant), not after the
 * monitor started or the previous call returned: a lease whose acquisition took long (a slow grant,
 * a handoff takeover on a loaded machine) is renewed on time, not one interval after it was handed
 * to the monitor, which could be after its fencing deadline. After a failed renewal it retries
 * every {@code retryInterval} (default min(1 s, TTL/10)). Independently of those calls, a deadline
 * timer fires at {@link Lease#validUntil()}: if no renewal succeeded by then the lease is declared
 * lost, even while a renewal request is still hanging (a partitioned coordinator never answers).
 * The listener is told exactly once, with {@link LeaseExpiredException}, and the store must then
 * refuse writes; by construction this happens before the coordinator can give the key to another
 * node.
 *
 * <p>Threads: {@code replicafs-lease-monitor} (timers) and {@code replicafs-lease-renew} (the
 * blocking renewal calls). {@link #close()} stops both and does not release the lease.
 */
public final class LeaseMonitor implements AutoCloseable {

  /** Told once when the lease is lost. Called on a monitor thread; must not block for long. */
  @FunctionalInterface
  public interface Listener {
    void onLost(LeaseException cause);
  }

  private static final Logger LOG = LoggerFactory.getLogger(LeaseMonitor.class);

  private final Lease lease;
  private final Clock clock;
  private final Duration renewInterval;
  private final Duration retryInterval;
  private final Listener listener;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(named("replicafs-lease-monitor"));
  private final ExecutorService renewer =
      Executors.newSingleThreadExecutor(named("replicafs-lease-renew"));
  private final CompletableFuture<LeaseException> lost = new CompletableFuture<>();
  private ScheduledFuture<?> deadline;
  private volatile boolean closed;

  private LeaseMonitor(
      Lease lease, Clock clock, Duration renewInterval, Duration retryInterval, Listener listener) {
    if (renewInterval.isNegative() || renewInterval.isZero()) {
      throw new IllegalArgumentException("renew interval must be positive: " + renewInterval);
    }
    if (retryInterval.isNegative() || retryInterval.isZero()) {
      throw new IllegalArgumentException("retry interval must be positive: " + retryInterval);
    }
    this.lease = lease;
    this.clock = clock;
    this.renewInterval = renewInterval;
    this.retryInterval = retryInterval;
    this.listener = listener;
  }

  /**
   * Starts monitoring with the default intervals: renew {@link Lease#renewInterval()} after the
   * last renewal was sent (TTL/2 as LiteFS for Consul, TTL/3 for etcd: docs/LEASES.md §4), retry at
   * min(1 s, TTL/10).
   */
  public static LeaseMonitor start(Lease lease, Clock clock, Listener listener) {
    Duration ttl = lease.ttl();
    Duration retry =
        ttl.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0
            ? ttl.dividedBy(10)
            : Duration.ofSeconds(1);
    return start(lease, clock, lease.renewInterval(), retry, listener);
  }

  /** Starts monitoring with explicit intervals. */
  public static LeaseMonitor start(
      Lease lease, Clock clock, Duration renewInterval, Duration retryInterval, Listener listener) {
    LeaseMonitor monitor = new LeaseMonitor(lease, clock, renewInterval, retryInterval, listener);
    monitor.armDeadline();
    monitor.scheduleNextRenewal();
    return monitor;
  }

  /** Whether the lease may be used now: not lost, not closed, and before its fencing deadline. */
  public boolean isValid() {
    return !closed && !lost.isDone() && lease.validAt(clock.instant());
  }

  /** Completes with the cause when the lease is lost. */
  public CompletableFuture<LeaseException> lost() {
    return lost.copy();
  }

  /**
   * Sends one extra renewal now, on the renewal thread (the schedule goes on as before). Completes
   * when it succeeded; exceptionally when it failed (a lease that etcd reports gone is lost, as for
   * any renewal); cancelled when the monitor was closed or the lease already lost.
   */
  public CompletableFuture<Void> renewNow() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      renewer.execute(
          () -> {
            if (closed || lost.isDone()) {
              done.cancel(false);
              return;
            }
            try {
              lease.renew();
              armDeadline();
              done.complete(null);
            } catch (LeaseExpiredException e) {
              done.completeExceptionally(e);
              lose(e);
            } catch (LeaseException | RuntimeException e) {
              done.completeExceptionally(e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.cancel(false);
    }
    return done;
  }

  /** The monitored lease. */
  public Lease lease() {
    return lease;
  }

  /** The next renewal is due {@code renewInterval} after the last one was sent (now if overdue). */
  private void scheduleNextRenewal() {
    scheduleRenewal(Duration.between(clock.instant(), lease.renewedAt().plus(renewInterval)));
  }

  private void scheduleRenewal(Duration delay) {
    if (closed || lost.isDone()) {
      return;
    }
    try {
      timer.schedule(() -> renewer.execute(this::renewOnce), nanos(delay), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed concurrently: nothing left to schedule
    }
  }

  private void renewOnce() {
    if (closed || lost.isDone()) {
      return;
    }
    try {
      lease.renew();
      armDeadline();
      scheduleNextRenewal();
    } catch (LeaseExpiredException e) {
      lose(e);
    } catch (LeaseException | RuntimeException e) {
      LOG.warn(
          "lease renewal failed, retrying: lease={} valid_until={} retry_in={} error={}",
          lease.id(),
          lease.validUntil(),
          retryInterval,
          e.toString());
      scheduleRenewal(retryInterval);
    }
  }

  private synchronized void armDeadline() {
    if (closed || lost.isDone()) {
      return;
    }
    if (deadline != null) {
      deadline.cancel(false);
    }
    Duration left = Duration.between(clock.instant(), lease.validUntil());
    try {
      deadline = timer.schedule(this::checkDeadline, nanos(left), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed concurrently
    }
  }

  private void checkDeadline() {
    Instant validUntil = lease.validUntil();
    if (clock.instant().isBefore(validUntil)) {
      armDeadline();
      return;
    }
    lose(
        new LeaseExpiredException(
            "lease "
                + lease.id()
                + " not renewed before its fencing deadline "
                + validUntil
                + " (renewed at "
                + lease.renewedAt()
                + ", ttl "
                + lease.ttl()
                + "); stepping down before the coordinator can expire it"));
  }

  private void lose(LeaseException cause) {
    if (closed || !lost.complete(cause)) {
      return;
    }
    LOG.warn("lease lost: lease={} cause={}", lease.id(), cause.getMessage());
    listener.onLost(cause);
  }

  /** Stops renewing. Does not release the lease. Idempotent. */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    renewer.shutdownNow();
  }

  /** Nanoseconds in {@code d}, at least 0, saturated for the static lease's centuries. */
  private static long nanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    return d.compareTo(Duration.ofDays(365 * 100)) > 0
        ? Duration.ofDays(365 * 100).toNanos()
        : d.toNanos();
  }

  private static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
