package dev.replicafs.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code static} lease: the primary is fixed by configuration, there is no coordinator and no
 * failover (LiteFS {@code StaticLeaser}). Every node is configured with the primary's {@code
 * hostname} and {@code advertise-url}; the node with {@code candidate: true} is that primary and
 * acquires a lease that never expires, the others get {@link PrimaryExistsException} and read the
 * configured primary. There is no shared cluster ID (each node keeps its own) and no handoff.
 */
public final class StaticLeaser implements Leaser {

  /** A static lease lasts until the year 3000, as in LiteFS. */
  static final Instant NEVER = Instant.parse("3000-01-01T00:00:00Z");

  private final PrimaryInfo primary;
  private final boolean candidate;
  private final Clock clock;

  /**
   * @param primary the configured primary ({@code lease.hostname}, {@code lease.advertise-url})
   * @param candidate true on the primary itself
   */
  public StaticLeaser(PrimaryInfo primary, boolean candidate, Clock clock) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.candidate = candidate;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String type() {
    return "static";
  }

  @Override
  public String hostname() {
    return primary.hostname();
  }

  @Override
  public String advertiseUrl() {
    return primary.advertiseUrl();
  }

  @Override
  public boolean candidate() {
    return candidate;
  }

  @Override
  public String describe() {
    return "static lease (primary " + primary.hostname() + ")";
  }

  @Override
  public Lease acquire() throws LeaseException {
    if (!candidate) {
      throw new PrimaryExistsException(primary);
    }
    return new StaticLease(clock);
  }

  @Override
  public Lease acquireExisting(String leaseId) throws LeaseException {
    throw new HandoffNotSupportedException(type());
  }

  @Override
  public PrimaryInfo primaryInfo() throws LeaseException {
    if (candidate) {
      throw new NoPrimaryException(describe());
    }
    return primary;
  }

  /** Nothing ever changes: waits out the timeout and returns the configured primary, if any. */
  @Override
  public Optional<PrimaryInfo> awaitPrimaryChange(Optional<PrimaryInfo> seen, Duration timeout)
      throws InterruptedException {
    Optional<PrimaryInfo> current = candidate ? Optional.empty() : Optional.of(primary);
    if (current.equals(seen)) {
      TimeUnit.NANOSECONDS.sleep(timeout.toNanos());
    }
    return current;
  }

  @Override
  public Optional<ClusterId> clusterId() {
    return Optional.empty();
  }

  /** No-op: static nodes share no cluster ID. */
  @Override
  public void setClusterId(ClusterId id) {
    Objects.requireNonNull(id, "id");
  }

  @Override
  public String describeClusterId() {
    return "static lease (no shared cluster ID)";
  }

  @Override
  public void close() {
    // no client, no threads
  }

  /** The never-expiring lease of the configured primary. */
  private static final class StaticLease implements Lease {
    private final Clock clock;
    private final Instant renewedAt;
    private volatile Instant closedAt;

    StaticLease(Clock clock) {
      this.clock = clock;
      this.renewedAt = clock.instant();
    }

    @Override
    public String id() {
      return "static";
    }

    @Override
    public Instant renewedAt() {
      return renewedAt;
    }

    @Override
    public Duration ttl() {
      return Duration.between(renewedAt, NEVER);
    }

    @Override
    public Instant validUntil() {
      Instant closed = closedAt;
      return closed != null ? closed : NEVER;
    }

    @Override
    public void renew() {
      // never expires
    }

    @Override
    public void handoff(long nodeId) throws LeaseException {
      throw new HandoffNotSupportedException("static");
    }

    @Override
    public CompletableFuture<Long> handoffRequest() {
      return new CompletableFuture<>();
    }

    @Override
    public String detach(Duration maxAge) throws LeaseException {
      throw new HandoffNotSupportedException("static");
    }

    @Override
    public synchronized void close() {
      if (closedAt == null) {
        closedAt = clock.instant();
      }
    }

    @Override
    public String toString() {
      return "StaticLease[until " + NEVER.atZone(ZoneOffset.UTC).getYear() + "]";
    }
  }
}
