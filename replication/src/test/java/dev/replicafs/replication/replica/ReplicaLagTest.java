package dev.replicafs.replication.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReplicaLagTest {
  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-11-22T01:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void lagIsTheDelayMeasuredAtReceiptWhileFramesKeepComing() {
    ManualClock clock = new ManualClock();
    ReplicaLag lag = new ReplicaLag(clock);
    assertThat(lag.lag()).isZero();
    lag.observe(clock.millis() - 7);
    assertThat(lag.lag()).isEqualTo(Duration.ofMillis(7));
    clock.now = clock.now.plusMillis(1500);
    assertThat(lag.lag()).as("idle but fresh heartbeat").isEqualTo(Duration.ofMillis(7));
  }

  @Test
  void lagGrowsWhenTheStreamFallsSilent() {
    ManualClock clock = new ManualClock();
    ReplicaLag lag = new ReplicaLag(clock);
    long sent = clock.millis();
    lag.observe(sent);
    clock.now = clock.now.plusSeconds(5);
    assertThat(lag.lag()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aPrimaryClockAheadOfOursNeverGivesANegativeLag() {
    ManualClock clock = new ManualClock();
    ReplicaLag lag = new ReplicaLag(clock);
    lag.observe(clock.millis() + 250);
    assertThat(lag.lag()).isZero();
  }
}
