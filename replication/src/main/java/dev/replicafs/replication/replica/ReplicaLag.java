package dev.replicafs.replication.replica;

import java.time.Clock;
import java.time.Duration;

/**
 * How far this replica is behind the primary, for {@code .lag} and {@code litefs_lag_seconds}.
 *
 * <p>Each applied LTX file and each heartbeat carries a primary timestamp; the delay measured at
 * receipt ({@code now - primaryTime}, clamped at 0 against clock skew) is the lag while frames keep
 * coming. When nothing arrived for longer than twice the heartbeat interval, the lag grows as
 * {@code now - lastPrimaryTime}, so a stalled stream shows. Unlike LiteFS, an idle but connected
 * replica reads about 0, not up to one heartbeat interval. Before the first frame the lag is
 * unknown (0, as LiteFS reports for a replica that is not ready).
 */
public final class ReplicaLag {
  private static final long STALE_MILLIS = 2_000;

  private final Clock clock;
  private long primaryMillis;
  private long receivedMillis;
  private long delayMillis;

  public ReplicaLag(Clock clock) {
    this.clock = clock;
  }

  /** Records a primary timestamp received now. */
  public synchronized void observe(long primaryTimeMillis) {
    long now = clock.millis();
    primaryMillis = Math.max(primaryMillis, primaryTimeMillis);
    receivedMillis = now;
    delayMillis = Math.max(0, now - primaryTimeMillis);
  }

  /** The current lag (zero before anything was received). */
  public synchronized Duration lag() {
    if (receivedMillis == 0) {
      return Duration.ZERO;
    }
    long now = clock.millis();
    if (now - receivedMillis > STALE_MILLIS) {
      return Duration.ofMillis(Math.max(0, now - primaryMillis));
    }
    return Duration.ofMillis(delayMillis);
  }
}
