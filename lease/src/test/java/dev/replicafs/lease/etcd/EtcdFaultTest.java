package dev.replicafs.lease.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseException;
import dev.replicafs.lease.LeaseMonitor;
import dev.replicafs.lease.LeaseUnavailableException;
import dev.replicafs.lease.MonotonicClock;
import dev.replicafs.lease.Poll;
import dev.replicafs.lease.PrimaryInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** etcd-specific failures: a frozen server, and the client's threads after close. */
class EtcdFaultTest {

  private static final PrimaryInfo A = new PrimaryInfo("node-a", "http://node-a:20202");
  private static final PrimaryInfo B = new PrimaryInfo("node-b", "http://node-b:20202");
  private final Clock clock = MonotonicClock.system();

  private static EtcdConfig config(EtcdProcess etcd) {
    return EtcdConfig.of(List.of(etcd.endpoint()), "/fault/primary", Duration.ofSeconds(2));
  }

  @Test
  void frozenEtcdFencesThePrimaryAtItsDeadlineAndTheKeyExpiresAfterwards() throws Exception {
    try (EtcdProcess etcd = EtcdProcess.start();
        EtcdLeaser a = new EtcdLeaser(config(etcd), A, true, clock);
        EtcdLeaser b = new EtcdLeaser(config(etcd), B, true, clock);
        Lease leaseA = a.acquire()) {
      CompletableFuture<Instant> lostAt = new CompletableFuture<>();
      try (LeaseMonitor monitor =
          LeaseMonitor.start(leaseA, clock, cause -> lostAt.complete(clock.instant()))) {
        etcd.pause();
        Instant lost = lostAt.get(10, TimeUnit.SECONDS);
        // Read before resuming: a renewal sent during the pause completes once etcd runs again and
        // moves validUntil past the fence that already fired (it failed CI once that way).
        Instant deadline = leaseA.validUntil();
        etcd.resume();

        assertThat(lost).isAfterOrEqualTo(deadline);
        assertThat(monitor.isValid()).isFalse();
        assertThat(b.awaitPrimaryChange(Optional.of(A), Duration.ofSeconds(15))).isEmpty();
        try (Lease leaseB = b.acquire()) {
          assertThat(lost).isBefore(leaseB.renewedAt()); // fenced before B even asked for it
          assertThat(leaseB.validAt(clock.instant())).isTrue();
        }
      }
    }
  }

  @Test
  void aWaitingCandidateIsStillWokenAfterAnEtcdRestart() throws Exception {
    try (EtcdProcess etcd = EtcdProcess.start();
        EtcdLeaser a = new EtcdLeaser(config(etcd), A, true, clock);
        EtcdLeaser b = new EtcdLeaser(config(etcd), B, true, clock)) {
      Lease leaseA = a.acquire();
      assertThat(b.awaitPrimaryChange(Optional.empty(), Duration.ofSeconds(5))).contains(A);

      etcd.restart();
      Poll.until(
          "renewals to work again",
          Duration.ofSeconds(15),
          () -> {
            try {
              leaseA.renew();
              return true;
            } catch (LeaseUnavailableException e) {
              return false;
            } catch (LeaseException e) {
              throw new AssertionError("lease lost across a restart", e);
            }
          });
      Instant released = clock.instant();
      leaseA.close();

      assertThat(b.awaitPrimaryChange(Optional.of(A), Duration.ofSeconds(15))).isEmpty();
      assertThat(Duration.between(released, clock.instant())).isLessThan(Duration.ofSeconds(2));
      try (Lease leaseB = b.acquire()) {
        assertThat(a.primaryInfo()).isEqualTo(B);
      }
    }
  }

  @Test
  void closeStopsEveryClientThread() throws Exception {
    try (EtcdProcess etcd = EtcdProcess.start()) {
      EtcdLeaser leaser = new EtcdLeaser(config(etcd), A, true, clock);
      try (Lease lease = leaser.acquire()) {
        lease.renew();
        assertThat(leaser.awaitPrimaryChange(Optional.empty(), Duration.ofSeconds(5))).contains(A);
      }
      assertThat(clientThreads()).isNotEmpty();

      leaser.close();
      leaser.close(); // idempotent

      Poll.until("client threads to stop", Duration.ofSeconds(10), () -> clientThreads().isEmpty());
    }
  }

  private static List<String> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(
            n ->
                n.startsWith("replicafs-etcd-") || n.startsWith("vert.x-") || n.startsWith("grpc-"))
        .collect(Collectors.toList());
  }
}
