package dev.replicafs.replication.node;

import dev.replicafs.lease.MonotonicClock;
import dev.replicafs.lease.etcd.EtcdProcess;
import dev.replicafs.replication.role.RoleState;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.SqliteWorkload;
import dev.replicafs.replication.store.SqliteWorkload.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write pause of a planned handoff with real streaming and acknowledgements ({@link
 * ClusterNode}, real etcd at TTL 2 s, real stores, node API on loopback), while a writer commits
 * real SQLite transactions on the old primary as fast as it can: from the instant the old primary
 * entered HANDING_OFF (writes refused) to the instant the target became PRIMARY (writes accepted),
 * and from the {@code handoff()} call to the same instant; the pause split at the instant the old
 * primary left HANDING_OFF (HANDOFF frame written): its flush and detach, then the target's
 * takeover (which can start before that instant, so the second part can be negative). Results go to
 * stdout and {@code replication/target/handoff-benchmark.txt}.
 *
 * <p>Run: {@code mvn -o -q -pl replication -am verify -Plong -Dtest=HandoffBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("long")
class HandoffBenchmark {
  private static final int ROUNDS = 30;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;

  @Test
  void plannedHandoffWritePause() throws Exception {
    List<Duration> pause = new ArrayList<>();
    List<Duration> request = new ArrayList<>();
    List<Duration> oldSide = new ArrayList<>();
    List<Duration> newSide = new ArrayList<>();
    List<Integer> commits = new ArrayList<>();
    try (EtcdProcess etcd = EtcdProcess.start()) {
      for (int i = 0; i < ROUNDS; i++) {
        round(etcd, i, pause, request, oldSide, newSide, commits);
      }
    }
    List<String> report = new ArrayList<>();
    report.add(summary("handoff write pause: a HANDING_OFF -> b PRIMARY", pause));
    report.add(summary("handoff(): request -> b PRIMARY", request));
    report.add(summary("  a HANDING_OFF -> a handed off (flush, detach)", oldSide));
    report.add(summary("  a handed off -> b PRIMARY (takeover)", newSide));
    Collections.sort(commits);
    report.add("commits on the old primary before each handoff: median " + commits.get(ROUNDS / 2));
    String text = String.join("\n", report) + "\n";
    System.out.print(text);
    Files.writeString(Paths.get("target", "handoff-benchmark.txt"), text);
  }

  private void round(
      EtcdProcess etcd,
      int i,
      List<Duration> pause,
      List<Duration> request,
      List<Duration> oldSide,
      List<Duration> newSide,
      List<Integer> commits)
      throws Exception {
    String key = "/bench-handoff/" + UUID.randomUUID();
    Duration ttl = Duration.ofSeconds(2);
    try (ClusterTestNode a =
            ClusterTestNode.etcd(etcd.endpoint(), key, ttl, "a", 1, true, tmp.resolve(i + "a"));
        ClusterTestNode b =
            ClusterTestNode.etcd(etcd.endpoint(), key, ttl, "b", 2, true, tmp.resolve(i + "b"))) {
      AtomicReference<Instant> handingOff = new AtomicReference<>();
      AtomicReference<Instant> handedOff = new AtomicReference<>();
      AtomicReference<Instant> primary = new AtomicReference<>();
      a.node.addListener(
          (from, to) -> {
            if (to instanceof RoleState.HandingOff) {
              handingOff.compareAndSet(null, MonotonicClock.system().instant());
            } else if (from instanceof RoleState.HandingOff) {
              handedOff.compareAndSet(null, MonotonicClock.system().instant()); // frame sent
            }
          });
      b.node.addListener(
          (from, to) -> {
            if (to instanceof RoleState.Primary) {
              primary.compareAndSet(null, MonotonicClock.system().instant());
            }
          });
      a.start();
      Await.until("a primary", WAIT, a::isPrimary);
      b.start();
      if (!b.node.awaitReady(WAIT)) {
        throw new AssertionError("b not ready");
      }
      Db db = a.store.create("app.db");
      java.util.concurrent.atomic.AtomicInteger done =
          new java.util.concurrent.atomic.AtomicInteger();
      AtomicReference<Exception> stopped = new AtomicReference<>();
      SqliteWorkload w = SqliteWorkload.start(db, tmp.resolve(i + "w"), Mode.WAL, i, true);
      w.randomTx(); // b's first copy is a snapshot: let it arrive before the concurrent writes
      Await.until("b caught up", WAIT, () -> b.pos("app.db").equals(a.pos("app.db")));
      Thread writer =
          new Thread(
              () -> {
                try (w) {
                  while (true) {
                    w.randomTx();
                    done.incrementAndGet();
                  }
                } catch (Exception e) {
                  w.releaseLocks(); // as SQLite rolls back a failed transaction
                  stopped.set(e); // refused once the handoff started: the end of this round
                }
              },
              "bench-writer");
      writer.start();
      Await.until("writes flowing", WAIT, () -> done.get() >= 50 || stopped.get() != null);
      if (stopped.get() != null) {
        throw new AssertionError("writer failed before the handoff", stopped.get());
      }
      Instant start = MonotonicClock.system().instant();
      a.node.handoff(2).get(30, TimeUnit.SECONDS);
      Await.until("b primary", WAIT, () -> primary.get() != null);
      writer.join(WAIT.toMillis());
      pause.add(Duration.between(handingOff.get(), primary.get()));
      Await.until("a handed off", WAIT, () -> handedOff.get() != null);
      oldSide.add(Duration.between(handingOff.get(), handedOff.get()));
      newSide.add(Duration.between(handedOff.get(), primary.get()));
      request.add(Duration.between(start, primary.get()));
      commits.add(done.get());
    }
  }

  private static String summary(String what, List<Duration> samples) {
    List<Long> micros = new ArrayList<>();
    samples.forEach(d -> micros.add(d.toNanos() / 1_000));
    Collections.sort(micros);
    return String.format(
        "%-50s n=%d min=%.1fms median=%.1fms p90=%.1fms max=%.1fms",
        what,
        micros.size(),
        micros.get(0) / 1000.0,
        micros.get(micros.size() / 2) / 1000.0,
        micros.get((int) Math.floor(micros.size() * 0.9)) / 1000.0,
        micros.get(micros.size() - 1) / 1000.0);
  }
}
