package dev.replicafs.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written {@link Lease} at the lease seam, for {@link LeaseMonitor} tests: renewals succeed,
 * fail, report expiry or hang, as the test sets, and are counted.
 */
final class ScriptedLease implements Lease {

  enum Renewal {
    SUCCEED,
    UNAVAILABLE,
    EXPIRED,
    HANG
  }

  private final LeaseState state;
  private final AtomicInteger renewals = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile Renewal next = Renewal.SUCCEED;

  ScriptedLease(Clock clock, Duration ttl) {
    this(clock, clock.instant(), ttl);
  }

  /** A lease whose grant was sent at {@code grantedAt} (in the past: a slow acquisition). */
  ScriptedLease(Clock clock, Instant grantedAt, Duration ttl) {
    this.state = new LeaseState(clock, grantedAt, ttl);
  }

  void renewalsWill(Renewal renewal) {
    next = renewal;
  }

  int renewals() {
    return renewals.get();
  }

  @Override
  public String id() {
    return "scripted";
  }

  @Override
  public Instant renewedAt() {
    return state.renewedAt();
  }

  @Override
  public Duration ttl() {
    return state.ttl();
  }

  @Override
  public Instant validUntil() {
    return state.validUntil();
  }

  @Override
  public void renew() throws LeaseException {
    Instant sentAt = state.clock().instant();
    renewals.incrementAndGet();
    switch (next) {
      case SUCCEED -> state.renewed(sentAt, state.ttl());
      case UNAVAILABLE ->
          throw new LeaseUnavailableException("scripted outage", new RuntimeException());
      case EXPIRED -> throw new LeaseExpiredException("scripted expiry");
      case HANG -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new LeaseUnavailableException("scripted hang ended", new RuntimeException());
      }
    }
  }

  @Override
  public void handoff(long nodeId) {
    state.requestHandoff(nodeId);
  }

  @Override
  public CompletableFuture<Long> handoffRequest() {
    return state.handoffRequest();
  }

  @Override
  public String detach(Duration maxAge) {
    state.end();
    return id();
  }

  @Override
  public void close() {
    state.end();
    release.countDown();
  }
}
