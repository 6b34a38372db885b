package dev.replicafs.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Leaser} must have, run against static, etcd and Consul. A subclass
 * says how to make a node's leaser; each test uses fresh leasers (and, for coordinated backends, a
 * fresh key), closed after the test.
 *
 * <p>Coordinated backends (etcd, Consul) elect among candidates, fail over, hand off and share a
 * cluster ID. The static backend has a fixed primary: where a case is about failover, the static
 * branch asserts the static behaviour instead (the lease never expires, handoff is refused, no
 * shared cluster ID), so every case asserts something for every backend.
 */
public abstract class LeaserContract {

  /** An arbitrary node ID for handoff targets (LiteFS node IDs are random uint64). */
  protected static final long NODE_B = 0x00000000000000BBL;

  protected final Clock clock = MonotonicClock.system();
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private final ExecutorService waiters =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "contract-waiter");
            t.setDaemon(true);
            return t;
          });

  /** A leaser for a candidate node named {@code hostname}. */
  protected abstract Leaser newCandidate(String hostname) throws Exception;

  /** A leaser for a node with {@code lease.candidate: false}. */
  protected abstract Leaser newNonCandidate(String hostname) throws Exception;

  /** Whether the backend has a coordinator (etcd, Consul) rather than a fixed primary (static). */
  protected abstract boolean coordinated();

  /** A second node that would contend for the lease; for static it is a configured replica. */
  protected Leaser newContender(String hostname) throws Exception {
    return newCandidate(hostname);
  }

  /**
   * A candidate whose link to the coordinator the test can cut (see {@link TcpProxy}). Only called
   * when {@link #coordinated()}.
   */
  protected abstract PartitionableLeaser newPartitionableCandidate(String hostname)
      throws Exception;

  /** A leaser together with the switch that cuts its link to the coordinator. */
  public record PartitionableLeaser(Leaser leaser, Runnable partition) {}

  /** The TTL the backend is configured with in these tests. */
  protected abstract Duration ttl();

  /** The info a node named {@code hostname} advertises in these tests. */
  protected static PrimaryInfo info(String hostname) {
    return new PrimaryInfo(hostname, "http://" + hostname + ":20202");
  }

  protected <T extends AutoCloseable> T track(T closeable) {
    closeables.push(closeable);
    return closeable;
  }

  @AfterEach
  void closeEverything() throws Exception {
    while (!closeables.isEmpty()) {
      closeables.pop().close();
    }
    waiters.shutdownNow();
  }

  private Leaser candidate(String hostname) throws Exception {
    return track(newCandidate(hostname));
  }

  /**
   * Acquires once the key is free, as the role loop does: a refusal that names no primary (Consul's
   * lock-delay after an invalidated session) is retried until the deadline.
   */
  private Lease acquireWhenFree(Leaser leaser) throws Exception {
    long deadline = System.nanoTime() + longWait().toNanos();
    while (true) {
      try {
        return leaser.acquire();
      } catch (PrimaryExistsException e) {
        if (e.primary().isPresent() || System.nanoTime() - deadline > 0) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  private Duration longWait() {
    return ttl().multipliedBy(3).plusSeconds(10);
  }

  @Test
  void acquireWhenFreeMakesThisNodePrimary() throws Exception {
    Leaser a = candidate("node-a");
    Lease lease = track(a.acquire());

    Instant now = clock.instant();
    assertThat(lease.validAt(now)).isTrue();
    assertThat(lease.renewedAt()).isBeforeOrEqualTo(now);
    assertThat(lease.ttl()).isPositive();
    assertThat(lease.id()).isNotBlank();
    Leaser observer = track(newNonCandidate("node-c"));
    assertThat(observer.primaryInfo()).isEqualTo(info("node-a"));
    if (coordinated()) {
      assertThat(a.primaryInfo()).isEqualTo(info("node-a"));
      assertThat(lease.validUntil()).isBefore(lease.renewedAt().plus(lease.ttl()));
    } else {
      assertThat(lease.validUntil()).isAfter(Instant.parse("2999-01-01T00:00:00Z"));
    }
  }

  @Test
  void secondCandidateGetsPrimaryExistsAndSeesThePrimary() throws Exception {
    track(candidate("node-a").acquire());
    Leaser b = track(newContender("node-b"));

    PrimaryExistsException refused = catchThrowableOfType(PrimaryExistsException.class, b::acquire);

    assertThat(refused).isNotNull();
    assertThat(refused.primary()).contains(info("node-a"));
    assertThat(b.primaryInfo()).isEqualTo(info("node-a"));
  }

  @Test
  void renewMovesTheDeadlineForward() throws Exception {
    Lease lease = track(candidate("node-a").acquire());
    Instant firstRenewal = lease.renewedAt();
    Instant firstDeadline = lease.validUntil();

    lease.renew();

    assertThat(lease.validUntil()).isAfterOrEqualTo(firstDeadline);
    assertThat(lease.validAt(clock.instant())).isTrue();
    if (coordinated()) {
      assertThat(lease.renewedAt()).isAfter(firstRenewal);
      assertThat(candidate("node-b").primaryInfo()).isEqualTo(info("node-a"));
    } else {
      assertThat(lease.renewedAt()).isEqualTo(firstRenewal);
    }
  }

  @Test
  void expiryWithoutRenewalLetsAnotherCandidateAcquire() throws Exception {
    Lease a = track(candidate("node-a").acquire());
    Leaser b = candidate("node-b");
    if (!coordinated()) {
      a.renew();
      assertThat(a.validUntil()).isAfter(Instant.parse("2999-01-01T00:00:00Z"));
      assertThatThrownBy(track(newContender("node-b"))::acquire)
          .isInstanceOf(PrimaryExistsException.class);
      return;
    }

    Optional<PrimaryInfo> after = b.awaitPrimaryChange(Optional.of(info("node-a")), longWait());
    assertThat(after).as("the key frees itself after the TTL").isEmpty();
    Lease taken = track(acquireWhenFree(b));

    assertThat(clock.instant()).isAfter(a.validUntil());
    assertThat(taken.validAt(clock.instant())).isTrue();
    assertThat(b.primaryInfo()).isEqualTo(info("node-b"));
    assertThatThrownBy(a::renew).isInstanceOf(LeaseExpiredException.class);
    assertThat(a.validAt(clock.instant())).isFalse();
  }

  @Test
  void closeReleasesTheLeaseAtOnce() throws Exception {
    Lease a = candidate("node-a").acquire();
    Leaser b = candidate("node-b");

    Instant released = clock.instant();
    a.close();
    a.close(); // idempotent

    assertThat(a.validAt(clock.instant())).isFalse();
    if (!coordinated()) {
      return;
    }
    Lease taken = track(b.acquire());
    Duration handover = Duration.between(released, clock.instant());
    assertThat(handover).as("no wait for the TTL").isLessThan(ttl());
    assertThat(taken.validAt(clock.instant())).isTrue();
    assertThat(b.primaryInfo()).isEqualTo(info("node-b"));
  }

  @Test
  void clusterIdIsSetOnceAndAMismatchIsRefused() throws Exception {
    Leaser a = candidate("node-a");
    Leaser b = candidate("node-b");
    ClusterId first = ClusterId.generate(new SplittableRandom(1));
    ClusterId other = ClusterId.generate(new SplittableRandom(2));
    assertThat(a.clusterId()).isEmpty();

    a.setClusterId(first);

    if (!coordinated()) {
      assertThat(a.clusterId()).as("static nodes share no cluster ID").isEmpty();
      b.checkClusterId(Optional.of(other));
      return;
    }
    assertThat(b.clusterId()).contains(first);
    b.setClusterId(first); // same ID again: accepted
    ClusterIdMismatchException mismatch =
        catchThrowableOfType(ClusterIdMismatchException.class, () -> b.setClusterId(other));
    assertThat(mismatch).isNotNull();
    assertThat(mismatch.local()).isEqualTo(other);
    assertThat(mismatch.remote()).isEqualTo(first);
    assertThat(mismatch.getMessage())
        .contains(b.describeClusterId())
        .contains("move its data directory aside");
    assertThat(b.clusterId()).contains(first);
    assertThatThrownBy(() -> b.checkClusterId(Optional.of(other)))
        .isInstanceOf(ClusterIdMismatchException.class);
    b.checkClusterId(Optional.of(first));
    b.checkClusterId(Optional.empty());
  }

  @Test
  void handoffMovesTheLeaseWithoutWaitingForTheTtl() throws Exception {
    Leaser a = candidate("node-a");
    Lease leaseA = track(a.acquire());
    if (!coordinated()) {
      assertThatThrownBy(() -> leaseA.handoff(NODE_B))
          .isInstanceOf(HandoffNotSupportedException.class);
      assertThatThrownBy(leaseA::detach).isInstanceOf(HandoffNotSupportedException.class);
      assertThatThrownBy(() -> a.acquireExisting(leaseA.id()))
          .isInstanceOf(HandoffNotSupportedException.class);
      return;
    }
    Leaser b = candidate("node-b");
    Leaser c = candidate("node-c");

    leaseA.handoff(NODE_B);
    assertThat(leaseA.handoffRequest().get(5, TimeUnit.SECONDS)).isEqualTo(NODE_B);
    assertThatThrownBy(() -> leaseA.handoff(0xCCL)).isInstanceOf(IllegalStateException.class);
    Instant start = clock.instant();
    String leaseId = leaseA.detach();
    assertThat(leaseA.validAt(clock.instant())).as("the old primary is fenced").isFalse();
    Lease leaseB = track(b.acquireExisting(leaseId));

    assertThat(Duration.between(start, clock.instant())).isLessThan(ttl());
    assertThat(leaseB.validAt(clock.instant())).isTrue();
    assertThat(c.primaryInfo()).isEqualTo(info("node-b"));
    PrimaryExistsException refused = catchThrowableOfType(PrimaryExistsException.class, c::acquire);
    assertThat(refused).isNotNull();
    leaseA.close(); // after a detach, close must not release the key
    leaseB.renew();
    assertThat(c.primaryInfo()).isEqualTo(info("node-b"));
  }

  @Test
  void detachRightAfterARenewalSkipsTheLastRenewalAndTheTargetStillTakesOver() throws Exception {
    Leaser a = candidate("node-a");
    Lease leaseA = track(a.acquire());
    if (!coordinated()) {
      assertThatThrownBy(() -> leaseA.detach(ttl()))
          .isInstanceOf(HandoffNotSupportedException.class);
      return;
    }
    leaseA.renew();
    Instant renewed = leaseA.renewedAt();
    String id = leaseA.detach(ttl());
    assertThat(leaseA.renewedAt()).as("no second renewal").isEqualTo(renewed);
    assertThat(leaseA.validAt(clock.instant())).isFalse();

    Lease leaseB = track(candidate("node-b").acquireExisting(id));
    assertThat(leaseB.validAt(clock.instant())).isTrue();
    assertThat(candidate("node-c").primaryInfo()).isEqualTo(info("node-b"));
  }

  @Test
  void detachWithAnOlderRenewalRenewsFirst() throws Exception {
    Leaser a = candidate("node-a");
    Lease leaseA = track(a.acquire());
    if (!coordinated()) {
      assertThatThrownBy(() -> leaseA.detach(Duration.ZERO))
          .isInstanceOf(HandoffNotSupportedException.class);
      return;
    }
    Instant granted = leaseA.renewedAt();
    Poll.until("time to pass", Duration.ofSeconds(5), () -> clock.instant().isAfter(granted));
    leaseA.detach(Duration.ZERO);
    assertThat(leaseA.renewedAt()).isAfter(granted);
  }

  @Test
  void acquireExistingOfAReleasedLeaseFails() throws Exception {
    Lease leaseA = candidate("node-a").acquire();
    String id = leaseA.id();
    leaseA.close();
    Leaser b = candidate("node-b");

    if (!coordinated()) {
      assertThatThrownBy(() -> b.acquireExisting(id))
          .isInstanceOf(HandoffNotSupportedException.class);
      return;
    }
    assertThatThrownBy(() -> b.acquireExisting(id)).isInstanceOf(LeaseExpiredException.class);
  }

  @Test
  void watchWakesAWaitingCandidatePromptlyAfterRelease() throws Exception {
    Leaser a = candidate("node-a");
    Lease leaseA = a.acquire();
    Leaser b = candidate("node-b");
    if (!coordinated()) {
      leaseA.close();
      Leaser replica = track(newNonCandidate("node-r"));
      assertThat(replica.awaitPrimaryChange(Optional.of(info("node-a")), Duration.ofMillis(50)))
          .as("a static primary never changes")
          .contains(info("node-a"));
      assertThat(replica.awaitPrimaryChange(Optional.empty(), Duration.ofSeconds(5)))
          .contains(info("node-a"));
      return;
    }
    Leaser c = candidate("node-c");
    assertThat(c.awaitPrimaryChange(Optional.empty(), Duration.ofSeconds(5)))
        .contains(info("node-a"));
    CompletableFuture<Instant> woke =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                Optional<PrimaryInfo> now =
                    b.awaitPrimaryChange(Optional.of(info("node-a")), longWait());
                assertThat(now).isEmpty();
                return clock.instant();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            waiters);

    Instant released = clock.instant();
    leaseA.close();
    Instant wokeAt = woke.get(longWait().toSeconds(), TimeUnit.SECONDS);
    assertThat(Duration.between(released, wokeAt)).as("woken by the watch").isLessThan(ttl());
    track(b.acquire());
    assertThat(c.awaitPrimaryChange(Optional.empty(), Duration.ofSeconds(5)))
        .as("a watcher also sees the new primary")
        .contains(info("node-b"));
  }

  @Test
  void nonCandidateNeverAcquires() throws Exception {
    Leaser n = track(newNonCandidate("node-n"));
    assertThat(n.candidate()).isFalse();

    assertThatThrownBy(n::acquire)
        .isInstanceOfAny(NotCandidateException.class, PrimaryExistsException.class);
    if (!coordinated()) {
      assertThat(n.primaryInfo()).isEqualTo(info("node-a"));
      assertThatThrownBy(() -> n.acquireExisting("static"))
          .isInstanceOf(HandoffNotSupportedException.class);
      return;
    }
    assertThatThrownBy(n::primaryInfo).isInstanceOf(NoPrimaryException.class);
    Lease leaseA = track(candidate("node-a").acquire());
    assertThatThrownBy(n::acquire).isInstanceOf(NotCandidateException.class);
    String id = leaseA.detach();
    assertThatThrownBy(() -> n.acquireExisting(id)).isInstanceOf(NotCandidateException.class);
    assertThat(n.primaryInfo()).isEqualTo(info("node-a"));
  }

  @Test
  void partitionedPrimaryLosesItsLeaseBeforeAnotherNodeCanAcquireIt() throws Exception {
    if (!coordinated()) {
      Lease lease = track(candidate("node-a").acquire());
      LeaseMonitor monitor = track(LeaseMonitor.start(lease, clock, cause -> {}));
      assertThat(monitor.isValid()).as("a static lease has nothing to lose").isTrue();
      assertThat(lease.validUntil()).isAfter(Instant.parse("2999-01-01T00:00:00Z"));
      return;
    }
    PartitionableLeaser partitionable = newPartitionableCandidate("node-a");
    Leaser a = track(partitionable.leaser());
    Lease leaseA = track(a.acquire());
    CompletableFuture<Instant> lostAt = new CompletableFuture<>();
    LeaseMonitor monitor =
        track(LeaseMonitor.start(leaseA, clock, cause -> lostAt.complete(clock.instant())));
    Leaser b = candidate("node-b");
    assertThat(b.primaryInfo()).isEqualTo(info("node-a"));

    partitionable.partition().run();
    Optional<PrimaryInfo> after = b.awaitPrimaryChange(Optional.of(info("node-a")), longWait());
    Lease leaseB = track(acquireWhenFree(b));
    Instant acquiredAt = clock.instant();

    assertThat(after).isEmpty();
    assertThat(lostAt).as("the partitioned primary noticed").isDone();
    assertThat(lostAt.get()).isBefore(acquiredAt);
    assertThat(monitor.isValid()).isFalse();
    assertThat(leaseA.validUntil()).isBefore(acquiredAt);
    assertThat(leaseB.validAt(clock.instant())).isTrue();
  }
}
