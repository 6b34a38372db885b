package dev.replicafs.replication.role;

import dev.replicafs.lease.MonotonicClock;
import dev.replicafs.lease.Poll;
import dev.replicafs.lease.TcpProxy;
import dev.replicafs.lease.etcd.EtcdProcess;
import java.io.IOException;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long the cluster has no writable primary when the primary goes away, measured on the role
 * machine (real etcd at TTL 2 s, real stores; replication ports faked, so no data moves): from
 * {@code close()} of the primary, from cutting the lease holder off etcd (as a crash looks to the
 * cluster: no renewal, no release), and during a planned handoff, to the instant the other node's
 * store accepts writes. Results go to stdout and {@code replication/target/role-benchmark.txt}.
 *
 * <p>Run: {@code mvn -q -pl replication -am verify -Plong -Dtest=RoleFailoverBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("long")
class RoleFailoverBenchmark {

  private static final int CLOSE_ROUNDS = 20;
  private static final int CUT_ROUNDS = 8;
  private static final int HANDOFF_ROUNDS = 20;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private final List<String> report = new ArrayList<>();

  @Test
  void failoverTimesAtTtl2s() throws Exception {
    List<Duration> close = new ArrayList<>();
    List<Duration> cut = new ArrayList<>();
    List<Duration> cutGap = new ArrayList<>();
    List<Duration> handoff = new ArrayList<>();
    List<Duration> pause = new ArrayList<>();
    try (EtcdProcess etcd = EtcdProcess.start()) {
      for (int i = 0; i < CLOSE_ROUNDS; i++) {
        close.add(closeRound(etcd, i));
      }
      for (int i = 0; i < CUT_ROUNDS; i++) {
        Duration[] round = cutRound(etcd, i);
        cut.add(round[0]);
        cutGap.add(round[1]);
      }
      for (int i = 0; i < HANDOFF_ROUNDS; i++) {
        Duration[] round = handoffRound(etcd, i);
        handoff.add(round[0]);
        pause.add(round[1]);
      }
    }
    summarize("primary close() -> other node's store accepts writes", close);
    summarize("lease holder cut off etcd -> other node's store accepts writes", cut);
    summarize("cut off: old primary's fence -> other node accepts writes (gap)", cutGap);
    summarize("handoff(): request -> target accepts writes", handoff);
    summarize("handoff write pause: old primary refuses -> target accepts", pause);
    String text = String.join("\n", report) + "\n";
    System.out.print(text);
    Files.writeString(Paths.get("target", "role-benchmark.txt"), text);
  }

  private RoleNode[] pair(String endpointA, String endpointB, String round) throws Exception {
    RoleNetwork network = new RoleNetwork();
    String key = "/bench/" + UUID.randomUUID();
    RoleOptions options = RoleOptions.defaults(1).withReconnectDelay(Duration.ofMillis(200));
    RoleNode a =
        RoleNode.etcd(network, endpointA, key, "node-a", true, options, tmp.resolve(round + "a"));
    a.start();
    Poll.until("a primary", WAIT, () -> a.store.isPrimary());
    RoleNode b =
        RoleNode.etcd(
            network,
            endpointB,
            key,
            "node-b",
            true,
            RoleOptions.defaults(2).withReconnectDelay(Duration.ofMillis(200)),
            tmp.resolve(round + "b"));
    b.start();
    Poll.until("b replica", WAIT, () -> b.machine.state() instanceof RoleState.Replica);
    return new RoleNode[] {a, b};
  }

  private Duration closeRound(EtcdProcess etcd, int i) throws Exception {
    RoleNode[] nodes = pair(etcd.endpoint(), etcd.endpoint(), "close" + i);
    try {
      Instant start = MonotonicClock.system().instant();
      nodes[0].machine.close();
      return Duration.between(start, writable(nodes[1]));
    } finally {
      closeAll(nodes);
    }
  }

  /** Returns {cut -> b writable, a fenced -> b writable}. */
  private Duration[] cutRound(EtcdProcess etcd, int i) throws Exception {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", etcd.clientPort())) {
      RoleNode[] nodes = pair("http://127.0.0.1:" + proxy.port(), etcd.endpoint(), "cut" + i);
      try {
        Instant start = MonotonicClock.system().instant();
        proxy.partition();
        Instant fenced = null;
        while (fenced == null) {
          if (!nodes[0].store.isPrimary()) {
            fenced = MonotonicClock.system().instant();
          }
          TimeUnit.MICROSECONDS.sleep(200);
        }
        Instant writable = writable(nodes[1]);
        return new Duration[] {
          Duration.between(start, writable), Duration.between(fenced, writable)
        };
      } finally {
        closeAll(nodes);
      }
    }
  }

  /** Returns {request -> b writable, a HANDING_OFF -> b writable}. */
  private Duration[] handoffRound(EtcdProcess etcd, int i) throws Exception {
    RoleNode[] nodes = pair(etcd.endpoint(), etcd.endpoint(), "handoff" + i);
    try {
      Instant start = MonotonicClock.system().instant();
      nodes[0].machine.handoff(2).get(10, TimeUnit.SECONDS);
      Instant writable = writable(nodes[1]);
      Instant refused = nodes[0].firstTime(s -> s instanceof RoleState.HandingOff);
      return new Duration[] {
        Duration.between(start, writable), Duration.between(refused, writable)
      };
    } finally {
      closeAll(nodes);
    }
  }

  private static Instant writable(RoleNode node) throws InterruptedException {
    Poll.until(
        node.name + " primary",
        WAIT,
        () -> node.firstTime(s -> s instanceof RoleState.Primary) != null);
    return node.firstTime(s -> s instanceof RoleState.Primary);
  }

  private static void closeAll(RoleNode[] nodes) throws IOException {
    for (RoleNode node : nodes) {
      node.close();
    }
  }

  private void summarize(String what, List<Duration> samples) {
    List<Long> micros = new ArrayList<>();
    samples.forEach(d -> micros.add(d.toNanos() / 1_000));
    Collections.sort(micros);
    report.add(
        String.format(
            "%-66s n=%d min=%.1fms median=%.1fms p90=%.1fms max=%.1fms",
            what,
            micros.size(),
            micros.get(0) / 1000.0,
            micros.get(micros.size() / 2) / 1000.0,
            micros.get((int) Math.floor(micros.size() * 0.9)) / 1000.0,
            micros.get(micros.size() - 1) / 1000.0));
  }
}
