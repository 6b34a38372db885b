package dev.replicafs.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaseMonitorTest {

  private static final Duration TTL = Duration.ofMillis(600);
  private static final Duration RENEW = Duration.ofMillis(100);
  private static final Duration RETRY = Duration.ofMillis(30);

  /** How late a timer may fire on a loaded 2-core CI machine; a bound, not a measurement. */
  private static final Duration LATENESS = Duration.ofMillis(500);

  private final Clock clock = MonotonicClock.system();
  private final AtomicInteger lostCalls = new AtomicInteger();
  private final CompletableFuture<Instant> lostAt = new CompletableFuture<>();

  private LeaseMonitor monitor(ScriptedLease lease) {
    return LeaseMonitor.start(
        lease,
        clock,
        RENEW,
        RETRY,
        cause -> {
          lostCalls.incrementAndGet();
          lostAt.complete(clock.instant());
        });
  }

  @Test
  void successfulRenewalsKeepTheLeaseValidPastItsFirstDeadline() throws Exception {
    ScriptedLease lease = new ScriptedLease(clock, TTL);
    Instant firstDeadline = lease.validUntil();
    try (LeaseMonitor monitor = monitor(lease)) {
      Poll.until(
          "the first deadline to pass",
          Duration.ofSeconds(5),
          () -> clock.instant().isAfter(firstDeadline.plusMillis(100)));

      assertThat(monitor.isValid()).isTrue();
      assertThat(lease.renewals()).isGreaterThanOrEqualTo(5);
      assertThat(lease.validUntil()).isAfter(firstDeadline);
      assertThat(lostAt).isNotDone();
    }
  }

  @Test
  void failingRenewalsAreRetriedThenTheLeaseIsLostAtItsDeadline() throws Exception {
    ScriptedLease lease = new ScriptedLease(clock, TTL);
    lease.renewalsWill(ScriptedLease.Renewal.UNAVAILABLE);
    try (LeaseMonitor monitor = monitor(lease)) {
      Instant lost = lostAt.get(5, TimeUnit.SECONDS);

      assertThat(lost).isAfterOrEqualTo(lease.validUntil());
      assertThat(lost).isBefore(lease.validUntil().plus(LATENESS));
      assertThat(lease.renewals()).as("retried after the first failure").isGreaterThan(3);
      assertThat(monitor.isValid()).isFalse();
      assertThat(monitor.lost().get()).isInstanceOf(LeaseExpiredException.class);
      assertThat(lostCalls).hasValue(1);
    }
  }

  @Test
  void aHangingRenewalDoesNotDelayTheFence() throws Exception {
    ScriptedLease lease = new ScriptedLease(clock, TTL);
    lease.renewalsWill(ScriptedLease.Renewal.HANG);
    try (LeaseMonitor monitor = monitor(lease)) {
      Instant lost = lostAt.get(5, TimeUnit.SECONDS);

      assertThat(lease.renewals()).as("stuck in the first renewal").isEqualTo(1);
      assertThat(lost).isAfterOrEqualTo(lease.validUntil());
      assertThat(lost).isBefore(lease.validUntil().plus(LATENESS));
      assertThat(monitor.isValid()).isFalse();
    } finally {
      lease.close();
    }
  }

  @Test
  void expiryReportedByTheCoordinatorIsLostWithoutWaitingForTheDeadline() throws Exception {
    ScriptedLease lease = new ScriptedLease(clock, Duration.ofSeconds(30));
    lease.renewalsWill(ScriptedLease.Renewal.EXPIRED);
    try (LeaseMonitor monitor = monitor(lease)) {
      Instant lost = lostAt.get(5, TimeUnit.SECONDS);

      assertThat(lost).isBefore(lease.validUntil());
      assertThat(monitor.lost().get()).hasMessageContaining("scripted expiry");
      assertThat(monitor.isValid()).isFalse();
    }
  }

  @Test
  void closedMonitorStopsRenewingAndNeverReportsALoss() throws Exception {
    ScriptedLease lease = new ScriptedLease(clock, TTL);
    LeaseMonitor monitor = monitor(lease);
    Poll.until("a renewal", Duration.ofSeconds(5), () -> lease.renewals() > 0);
    monitor.close();
    monitor.close(); // idempotent
    int renewals = lease.renewals();

    assertThatThrownBy(() -> lostAt.get(TTL.toMillis() * 2, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    assertThat(lease.renewals()).isEqualTo(renewals);
    assertThat(monitor.isValid()).isFalse();
  }

  @Test
  void aLeaseAcquiredLongBeforeTheMonitorStartedIsRenewedBeforeItsFence() throws Exception {
    // Granted 1.6 s ago with TTL 3 s: the fence is 1.1 s away, and a first renewal one default
    // interval (TTL/2 = 1.5 s) after the monitor started would come after it.
    Duration ttl = Duration.ofSeconds(3);
    ScriptedLease lease = new ScriptedLease(clock, clock.instant().minusMillis(1600), ttl);
    Instant firstDeadline = lease.validUntil();
    try (LeaseMonitor monitor = LeaseMonitor.start(lease, clock, cause -> lostAt.complete(null))) {
      Poll.until(
          "the first deadline to pass",
          Duration.ofSeconds(10),
          () -> clock.instant().isAfter(firstDeadline.plusMillis(100)));

      assertThat(lease.renewals()).isGreaterThanOrEqualTo(1);
      assertThat(lease.validUntil()).isAfter(firstDeadline);
      assertThat(monitor.isValid()).isTrue();
      assertThat(lostAt).isNotDone();
    }
  }

  @Test
  void renewNowSendsOneExtraRenewalWithoutWaitingForTheSchedule() throws Exception {
    ScriptedLease lease = new ScriptedLease(clock, Duration.ofSeconds(30));
    Instant granted = lease.renewedAt();
    try (LeaseMonitor monitor =
        LeaseMonitor.start(
            lease, clock, Duration.ofSeconds(10), RETRY, cause -> lostAt.complete(null))) {
      monitor.renewNow().get(5, TimeUnit.SECONDS);

      assertThat(lease.renewals()).isEqualTo(1);
      assertThat(lease.renewedAt()).isAfter(granted);
      assertThat(monitor.isValid()).isTrue();
    }
  }

  @Test
  void renewNowThatFindsTheLeaseGoneLosesIt() throws Exception {
    ScriptedLease lease = new ScriptedLease(clock, Duration.ofSeconds(30));
    lease.renewalsWill(ScriptedLease.Renewal.EXPIRED);
    try (LeaseMonitor monitor =
        LeaseMonitor.start(
            lease, clock, Duration.ofSeconds(10), RETRY, cause -> lostAt.complete(null))) {
      assertThatThrownBy(() -> monitor.renewNow().get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(LeaseExpiredException.class);
      lostAt.get(5, TimeUnit.SECONDS);
      assertThat(monitor.isValid()).isFalse();
    }
  }

  @Test
  void defaultIntervalsRenewAtHalfTheTtl() throws Exception {
    ScriptedLease lease = new ScriptedLease(clock, Duration.ofMillis(400));
    try (LeaseMonitor monitor = LeaseMonitor.start(lease, clock, cause -> lostAt.complete(null))) {
      Poll.until("two renewals", Duration.ofSeconds(5), () -> lease.renewals() >= 2);

      assertThat(monitor.isValid()).isTrue();
      assertThat(lostAt).isNotDone();
    }
  }
}
