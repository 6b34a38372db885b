package dev.replicafs.lease;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that never jumps: it reads the wall clock once, then advances with {@link
 * System#nanoTime()}. Lease deadlines are measured with it so that an NTP step or a manual clock
 * change cannot make a node believe its lease is valid longer than the coordinator does.
 */
public final class MonotonicClock extends Clock {

  private static final MonotonicClock SYSTEM = new MonotonicClock(Instant.now(), System.nanoTime());

  private final Instant origin;
  private final long originNanos;

  private MonotonicClock(Instant origin, long originNanos) {
    this.origin = origin;
    this.originNanos = originNanos;
  }

  /** The process-wide monotonic clock. */
  public static MonotonicClock system() {
    return SYSTEM;
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(System.nanoTime() - originNanos);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return this;
    }
    throw new UnsupportedOperationException("monotonic clock is UTC only");
  }
}
