package dev.replicafs.lease.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicafs.lease.Lease;
import dev.replicafs.lease.LeaseMonitor;
import dev.replicafs.lease.MonotonicClock;
import dev.replicafs.lease.Poll;
import dev.replicafs.lease.PrimaryInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Component benchmark of etcd lease failover at TTL 2 s (not the end-to-end failover, which needs
 * the store): how long after the primary releases, crashes or hands off does the next candidate
 * hold the lease. The waiting candidate follows the key with the leaser's watch, as the store will.
 * Results go to stdout and {@code lease/target/lease-benchmark.txt}; see docs/BENCHMARKS.md.
 *
 * <p>Run: {@code mvn -q -pl lease verify -Plong -Dtest=EtcdFailoverBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("long")
class EtcdFailoverBenchmark {

  private static final Duration TTL = Duration.ofSeconds(2);
  private static final int RELEASE_ROUNDS = 30;
  private static final int CRASH_ROUNDS = 8;
  private static final int HANDOFF_ROUNDS = 30;
  private static final PrimaryInfo A = new PrimaryInfo("node-a", "http://node-a:20202");
  private static final PrimaryInfo B = new PrimaryInfo("node-b", "http://node-b:20202");

  private final Clock clock = MonotonicClock.system();
  private final ExecutorService waiter =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "benchmark-waiter"));
  private final List<String> report = new ArrayList<>();

  @Test
  void failoverTimesAtTtl2s() throws Exception {
    try (EtcdProcess etcd = EtcdProcess.start()) {
      List<Duration> release = new ArrayList<>();
      List<Duration> crashSinceRenewal = new ArrayList<>();
      List<Duration> crashAfterFence = new ArrayList<>();
      List<Duration> handoff = new ArrayList<>();
      for (int i = 0; i < RELEASE_ROUNDS; i++) {
        release.add(releaseRound(etcd));
      }
      for (int i = 0; i < CRASH_ROUNDS; i++) {
        Duration[] round = crashRound(etcd);
        crashSinceRenewal.add(round[0]);
        crashAfterFence.add(round[1]);
      }
      for (int i = 0; i < HANDOFF_ROUNDS; i++) {
        handoff.add(handoffRound(etcd));
      }
      summarize("release (close) -> next candidate holds the lease", release);
      summarize("crash: last renewal sent -> next candidate holds the lease", crashSinceRenewal);
      summarize(
          "crash: old primary's fence (validUntil) -> next candidate holds it", crashAfterFence);
      summarize("handoff: detach -> target holds the lease (acquireExisting)", handoff);
    } finally {
      waiter.shutdownNow();
    }
    String text = String.join("\n", report) + "\n";
    System.out.print(text);
    Path out = Paths.get("target", "lease-benchmark.txt");
    Files.writeString(out, text);
  }

  private EtcdConfig config(EtcdProcess etcd, String key) {
    return EtcdConfig.of(List.of(etcd.endpoint()), key, TTL);
  }

  private Duration releaseRound(EtcdProcess etcd) throws Exception {
    String key = "/bench/" + UUID.randomUUID();
    try (EtcdLeaser a = new EtcdLeaser(config(etcd, key), A, true, clock);
        EtcdLeaser b = new EtcdLeaser(config(etcd, key), B, true, clock)) {
      Lease leaseA = a.acquire();
      assertThat(b.awaitPrimaryChange(Optional.empty(), TTL)).contains(A); // watch running
      CompletableFuture<Instant> acquired = takeOverWhenFree(b);
      Instant released = clock.instant();
      leaseA.close();
      return Duration.between(released, acquired.get(30, TimeUnit.SECONDS));
    }
  }

  /** Returns {since last renewal, since the old primary's fence}. */
  private Duration[] crashRound(EtcdProcess etcd) throws Exception {
    String key = "/bench/" + UUID.randomUUID();
    try (EtcdLeaser a = new EtcdLeaser(config(etcd, key), A, true, clock);
        EtcdLeaser b = new EtcdLeaser(config(etcd, key), B, true, clock)) {
      Lease leaseA = a.acquire();
      assertThat(b.awaitPrimaryChange(Optional.empty(), TTL)).contains(A);
      CompletableFuture<Instant> acquired = takeOverWhenFree(b);
      LeaseMonitor monitor = LeaseMonitor.start(leaseA, clock, cause -> {});
      Instant firstRenewal = leaseA.renewedAt();
      Poll.until( // let one real renewal happen, then "crash"
          "a renewal", TTL.multipliedBy(2), () -> leaseA.renewedAt().isAfter(firstRenewal));
      monitor.close(); // the process dies: no more renewals, no release
      Instant at = acquired.get(30, TimeUnit.SECONDS);
      return new Duration[] {
        Duration.between(leaseA.renewedAt(), at), Duration.between(leaseA.validUntil(), at)
      };
    }
  }

  private Duration handoffRound(EtcdProcess etcd) throws Exception {
    String key = "/bench/" + UUID.randomUUID();
    try (EtcdLeaser a = new EtcdLeaser(config(etcd, key), A, true, clock);
        EtcdLeaser b = new EtcdLeaser(config(etcd, key), B, true, clock)) {
      Lease leaseA = a.acquire();
      b.primaryInfo(); // connection established, as for a streaming replica
      Instant start = clock.instant();
      String id = leaseA.detach();
      try (Lease leaseB = b.acquireExisting(id)) {
        Instant held = clock.instant();
        assertThat(b.primaryInfo()).isEqualTo(B);
        return Duration.between(start, held);
      }
    }
  }

  private CompletableFuture<Instant> takeOverWhenFree(EtcdLeaser b) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            assertThat(b.awaitPrimaryChange(Optional.of(A), Duration.ofSeconds(30))).isEmpty();
            b.acquire();
            return clock.instant();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        waiter);
  }

  private void summarize(String what, List<Duration> samples) throws IOException {
    List<Long> ms = new ArrayList<>();
    samples.forEach(d -> ms.add(d.toNanos() / 1_000));
    Collections.sort(ms);
    report.add(
        String.format(
            "%-66s n=%d min=%.1fms median=%.1fms p90=%.1fms max=%.1fms",
            what,
            ms.size(),
            ms.get(0) / 1000.0,
            ms.get(ms.size() / 2) / 1000.0,
            ms.get((int) Math.floor(ms.size() * 0.9)) / 1000.0,
            ms.get(ms.size() - 1) / 1000.0));
  }
}
