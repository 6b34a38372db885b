package dev.replicafs.replication.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.replicafs.lease.ClusterId;
import dev.replicafs.lease.MonotonicClock;
import dev.replicafs.lease.Poll;
import dev.replicafs.lease.TcpProxy;
import dev.replicafs.lease.etcd.EtcdProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Role machines against one real etcd (TTL 2 s), with real stores on temporary directories; only
 * the replication layer's ports are faked ({@link FakeStreams}). A {@link WriterSampler} runs
 * during every test and the test fails if two stores ever accepted writes, or two machines said
 * PRIMARY, at the same sampled instant.
 */
class RoleMachineEtcdTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static EtcdProcess etcd;

  @TempDir Path tmp;
  private final RoleNetwork network = new RoleNetwork();
  private final List<RoleNode> nodes = new ArrayList<>();
  private final List<AutoCloseable> closeLast = new ArrayList<>();
  private String key;
  private WriterSampler sampler;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdProcess.start();
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (RoleNode node : nodes) {
      node.close();
    }
    if (sampler != null) {
      sampler.close();
      // the sampler ran during the test; how often depends on the machine's load, not on the code
      assertThat(sampler.samples()).as("writer samples taken").isPositive();
      assertThat(sampler.twoWriters()).as("samples with two stores accepting writes").isZero();
      assertThat(sampler.twoPrimaries()).as("samples with two PRIMARY machines").isZero();
    }
    for (AutoCloseable c : closeLast) {
      c.close();
    }
  }

  private RoleOptions options(long nodeId) {
    return RoleOptions.defaults(nodeId)
        .withReconnectDelay(Duration.ofMillis(200))
        .withDemoteDelay(Duration.ofMillis(1500))
        .withHandoffTimeout(Duration.ofSeconds(3));
  }

  private RoleNode node(String name, boolean candidate, RoleOptions options, String endpoint)
      throws Exception {
    if (key == null) {
      key = "/role-test/" + UUID.randomUUID();
    }
    RoleNode node =
        RoleNode.etcd(network, endpoint, key, name, candidate, options, tmp.resolve(name));
    nodes.add(node);
    return node;
  }

  private RoleNode node(String name, boolean candidate, long nodeId) throws Exception {
    return node(name, candidate, options(nodeId), etcd.endpoint());
  }

  private void sample() {
    sampler = new WriterSampler(nodes);
  }

  private static RoleNode awaitOnePrimary(List<RoleNode> among) throws InterruptedException {
    Poll.until(
        "one primary among " + among.size(),
        WAIT,
        () -> among.stream().filter(RoleNode::isPrimary).count() == 1);
    return among.stream().filter(RoleNode::isPrimary).findFirst().orElseThrow();
  }

  /** When {@code node} first became PRIMARY (listeners run just after the state is set). */
  private static Instant primaryAt(RoleNode node) throws InterruptedException {
    Poll.until(
        node.name + " primary recorded",
        WAIT,
        () -> node.firstTime(s -> s instanceof RoleState.Primary) != null);
    return node.firstTime(s -> s instanceof RoleState.Primary);
  }

  private static void awaitReplicaOf(RoleNode node, RoleNode primary) throws InterruptedException {
    Poll.until(
        node.name + " replica of " + primary.name,
        WAIT,
        () ->
            node.machine.state() instanceof RoleState.Replica r
                && r.primary().hostname().equals(primary.name)
                && node.streams.following.isPresent());
  }

  @Test
  void threeCandidatesElectOnePrimaryAndEachCloseHandsOverWithoutWaitingForTheTtl()
      throws Exception {
    RoleNode a = node("node-a", true, 1);
    RoleNode b = node("node-b", true, 2);
    RoleNode c = node("node-c", true, 3);
    sample();
    a.start();
    b.start();
    c.start();
    List<RoleNode> alive = new ArrayList<>(List.of(a, b, c));
    RoleNode first = awaitOnePrimary(alive);
    for (RoleNode other : alive) {
      if (other != first) {
        awaitReplicaOf(other, first);
        assertThat(other.store.isPrimary()).isFalse();
      }
    }
    assertThat(first.store.isPrimary()).isTrue();
    assertThat(first.streams.serving).isTrue();

    for (int round = 0; round < 2; round++) {
      RoleNode old = awaitOnePrimary(alive);
      alive.remove(old);
      Instant closed = MonotonicClock.system().instant();
      old.machine.close();
      RoleNode next = awaitOnePrimary(alive);
      Duration takeover = Duration.between(closed, primaryAt(next));
      assertThat(takeover).as("close released the lease: no TTL wait").isLessThan(RoleNode.TTL);
      assertThat(old.store.isPrimary()).isFalse();
      assertThat(old.streams.serving).isFalse();
      assertThat(old.machine.state()).isInstanceOf(RoleState.Closed.class);
      assertThat(next.store.isPrimary()).isTrue();
    }
  }

  @Test
  void partitionedPrimaryFencesItselfBeforeAnotherNodeAcquires() throws Exception {
    TcpProxy proxy = TcpProxy.start("127.0.0.1", etcd.clientPort());
    closeLast.add(proxy);
    RoleNode a = node("node-a", true, options(1), "http://127.0.0.1:" + proxy.port());
    a.start();
    Poll.until("a primary", WAIT, a::isPrimary);
    RoleNode b = node("node-b", true, 2);
    RoleNode n = node("node-n", false, 3);
    b.start();
    n.start();
    awaitReplicaOf(b, a);
    awaitReplicaOf(n, a);
    sample();

    Instant cut = MonotonicClock.system().instant();
    proxy.partition();
    Instant fenced = null;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (fenced == null && System.nanoTime() < deadline) {
      if (!a.store.isPrimary()) {
        fenced = MonotonicClock.system().instant();
      }
      TimeUnit.MICROSECONDS.sleep(200);
    }
    assertThat(fenced).as("a refused writes").isNotNull();
    Poll.until("b primary", WAIT, b::isPrimary);
    Instant bPrimary = primaryAt(b);
    assertThat(fenced).as("fence before the other node acquired").isBefore(bPrimary);
    assertThat(Duration.between(cut, fenced)).isLessThan(RoleNode.TTL);
    Poll.until(
        "a fenced recorded", WAIT, () -> a.firstTime(s -> s instanceof RoleState.Fenced) != null);
    assertThat(a.streams.serving).isFalse();
    // b needed the key to expire (a's lease was not released): at least the fence margin later
    assertThat(Duration.between(fenced, bPrimary)).isGreaterThan(Duration.ofMillis(100));
    awaitReplicaOf(n, b); // the other replica leaves the dead primary for the new one
    assertThat(n.store.isPrimary()).isFalse();
  }

  @Test
  void handoffMovesThePrimaryWithoutTheTtlAndOnlyAfterTheTargetConfirmedTheFlush()
      throws Exception {
    RoleNode a = node("node-a", true, 1).start();
    Poll.until("a primary", WAIT, a::isPrimary);
    RoleNode b = node("node-b", true, 2).start();
    awaitReplicaOf(b, a);
    sample();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    a.streams.flushGate.set(gate);

    Instant asked = MonotonicClock.system().instant();
    CompletableFuture<Void> handoff = a.machine.handoff(2);
    Poll.until("a flushing", WAIT, () -> a.streams.flushes.get() == 1);
    assertThat(a.streams.writableDuringFlush.get()).as("writes stop before the flush").isFalse();
    assertThat(a.machine.state()).isEqualTo(new RoleState.HandingOff(2));
    assertThat(a.leaser.primaryInfo().hostname()).isEqualTo("node-a");
    assertThat(b.isPrimary()).isFalse();
    assertThat(handoff).isNotDone();

    Instant confirmed = MonotonicClock.system().instant();
    gate.complete(null);
    handoff.get(10, TimeUnit.SECONDS);
    Poll.until("b primary", WAIT, b::isPrimary);
    Instant bPrimary = primaryAt(b);
    assertThat(bPrimary).isAfter(confirmed);
    assertThat(Duration.between(confirmed, bPrimary)).isLessThan(RoleNode.TTL);
    assertThat(b.store.isPrimary()).isTrue();
    assertThat(b.leaser.primaryInfo().hostname()).isEqualTo("node-b");
    awaitReplicaOf(a, b);
    assertThat(a.store.isPrimary()).isFalse();
    assertThat(Duration.between(asked, bPrimary)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void handoffWhoseFlushTimesOutIsAbortedAndThePrimaryResumesWrites() throws Exception {
    RoleNode a =
        node("node-a", true, options(1).withHandoffTimeout(Duration.ofMillis(300)), etcd.endpoint())
            .start();
    Poll.until("a primary", WAIT, a::isPrimary);
    RoleNode b = node("node-b", true, 2).start();
    awaitReplicaOf(b, a);
    sample();
    a.streams.flushGate.set(new CompletableFuture<>());

    CompletableFuture<Void> handoff = a.machine.handoff(2);
    assertThatThrownBy(() -> handoff.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HandoffException.class)
        .satisfies(
            e ->
                assertThat(((HandoffException) e).reason())
                    .isEqualTo(HandoffException.Reason.FLUSH_FAILED));
    Poll.until("a primary again", WAIT, () -> a.isPrimary() && a.store.isPrimary());
    assertThat(b.machine.state()).isInstanceOf(RoleState.Replica.class);
    assertThat(a.leaser.primaryInfo().hostname()).isEqualTo("node-a");
    // a second attempt on the same lease works once the replica confirms
    a.streams.flushGate.set(CompletableFuture.completedFuture(null));
    a.machine.handoff(2).get(10, TimeUnit.SECONDS);
    Poll.until("b primary", WAIT, b::isPrimary);
  }

  @Test
  void handoffWhoseFrameCannotBeSentGivesTheLeaseBackToTheOldPrimary() throws Exception {
    RoleNode a = node("node-a", true, 1).start();
    Poll.until("a primary", WAIT, a::isPrimary);
    RoleNode b = node("node-b", true, 2).start();
    awaitReplicaOf(b, a);
    sample();
    a.streams.failSend = true;
    assertReason(a.machine.handoff(2), HandoffException.Reason.SEND_FAILED);
    Poll.until(
        "a primary again",
        WAIT,
        () ->
            a.history().stream().filter(s -> s.state() instanceof RoleState.Primary).count() == 2);
    assertThat(a.store.isPrimary()).isTrue();
    assertThat(a.leaser.primaryInfo().hostname()).isEqualTo("node-a");
    assertThat(b.history()).noneMatch(s -> s.state() instanceof RoleState.Primary);
    assertThat(a.history())
        .as("took the detached lease back without a TTL wait")
        .noneMatch(s -> s.state() instanceof RoleState.Fenced);
  }

  @Test
  void primaryWhoseKeyIsDeletedUnderItStepsDownAtOnceAndJoinsAgain() throws Exception {
    RoleNode a = node("node-a", true, 1).start();
    Poll.until("a primary", WAIT, a::isPrimary);
    RoleNode n = node("node-n", false, 3).start();
    awaitReplicaOf(n, a);
    sample();
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      client
          .getKVClient()
          .delete(ByteSequence.from(key, StandardCharsets.UTF_8))
          .get(10, TimeUnit.SECONDS);
    }
    Poll.until("a fenced", WAIT, () -> a.firstTime(s -> s instanceof RoleState.Fenced) != null);
    assertThat(
            ((RoleState.Fenced)
                    a.history().stream()
                        .filter(s -> s.state() instanceof RoleState.Fenced)
                        .findFirst()
                        .orElseThrow()
                        .state())
                .cause())
        .contains("lease key changed");
    Poll.until(
        "a primary again",
        WAIT,
        () ->
            a.history().stream().filter(s -> s.state() instanceof RoleState.Primary).count() == 2);
    assertThat(a.leaser.primaryInfo().hostname()).isEqualTo("node-a");
    awaitReplicaOf(n, a);
  }

  @Test
  void handoffIsRefusedForANodeThatIsNotAConnectedReplicaOrWhenNotPrimary() throws Exception {
    RoleNode a = node("node-a", true, 1).start();
    Poll.until("a primary", WAIT, a::isPrimary);
    RoleNode b = node("node-b", true, 2).start();
    awaitReplicaOf(b, a);
    sample();
    assertReason(a.machine.handoff(99), HandoffException.Reason.NOT_CONNECTED);
    assertReason(b.machine.handoff(1), HandoffException.Reason.NOT_PRIMARY);
    assertThat(a.isPrimary()).isTrue();
    assertThat(a.store.isPrimary()).isTrue();
  }

  @Test
  void promoteTakesTheLeaseThroughAHandoffAndLeasePromoteDoesItAtStartup() throws Exception {
    RoleNode a = node("node-a", true, 1).start();
    Poll.until("a primary", WAIT, a::isPrimary);
    RoleNode b = node("node-b", true, 2).start();
    RoleNode n = node("node-n", false, 3).start();
    awaitReplicaOf(b, a);
    awaitReplicaOf(n, a);
    sample();

    b.machine.promote().get(10, TimeUnit.SECONDS);
    assertThat(b.isPrimary()).isTrue();
    awaitReplicaOf(a, b);
    assertReason(n.machine.promote(), HandoffException.Reason.NOT_CANDIDATE);

    RoleNode c = node("node-c", true, options(4).withPromote(true), etcd.endpoint());
    sampler.close();
    sample();
    c.start();
    Poll.until("c primary by lease.promote", WAIT, c::isPrimary);
    assertThat(c.history().get(0).state()).isInstanceOf(RoleState.Replica.class);
    awaitReplicaOf(b, c);
    awaitReplicaOf(a, c);
    b.machine.promote().get(10, TimeUnit.SECONDS); // promote works again after a promotion
    assertThat(b.isPrimary()).isTrue();
  }

  @Test
  void nonCandidateNeverBecomesPrimaryAndLogsTheWaitOncePerEpisode() throws Exception {
    Logger joinerLog = (Logger) LoggerFactory.getLogger(Joiner.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    joinerLog.addAppender(logs);
    try {
      RoleNode n = node("node-n", false, 9).start();
      sample();
      Poll.until(
          "n waiting",
          WAIT,
          () ->
              n.machine.state() instanceof RoleState.Joining j && j.reason().equals("no primary"));
      // several reconnect-delays pass: still one log line
      Instant until = Instant.now().plusMillis(1000);
      Poll.until("a second", WAIT, () -> Instant.now().isAfter(until));
      assertThat(ineligible(logs)).isEqualTo(1);
      assertThat(n.store.isPrimary()).isFalse();

      RoleNode a = node("node-a", true, 1);
      sampler.close();
      sample();
      a.start();
      awaitReplicaOf(n, a);
      a.machine.close();
      Poll.until("n waiting again", WAIT, () -> n.machine.state() instanceof RoleState.Joining);
      Poll.until("second episode logged", WAIT, () -> ineligible(logs) == 2);
      assertThat(n.history()).noneMatch(s -> s.state() instanceof RoleState.Primary);
      assertThat(n.store.isPrimary()).isFalse();
    } finally {
      joinerLog.detachAppender(logs);
    }
  }

  private static long ineligible(ListAppender<ILoggingEvent> logs) {
    synchronized (logs.list) {
      return logs.list.stream()
          .filter(
              e ->
                  e.getFormattedMessage()
                      .contains("cannot find primary & ineligible to become primary"))
          .count();
    }
  }

  @Test
  void demoteReleasesTheLeaseAtOnceAndKeepsTheNodeOutForTheDemoteDelay() throws Exception {
    RoleNode a = node("node-a", true, 1).start();
    Poll.until("a primary", WAIT, a::isPrimary);
    sample();
    Instant demoted = MonotonicClock.system().instant();
    a.machine.demote().get(10, TimeUnit.SECONDS);
    assertThat(a.store.isPrimary()).isFalse();
    assertThat(a.machine.state()).isNotInstanceOf(RoleState.Primary.class);
    Poll.until(
        "a primary again",
        WAIT,
        () ->
            a.history().stream().filter(s -> s.state() instanceof RoleState.Primary).count() == 2);
    List<RoleNode.Seen> primaries =
        a.history().stream().filter(s -> s.state() instanceof RoleState.Primary).toList();
    Instant again = primaries.get(primaries.size() - 1).at();
    assertThat(Duration.between(demoted, again)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));

    RoleNode b = node("node-b", true, 2);
    sampler.close();
    sample();
    b.start();
    awaitReplicaOf(b, a);
    Instant demotedAgain = MonotonicClock.system().instant();
    a.machine.demote().get(10, TimeUnit.SECONDS);
    Poll.until("b primary", WAIT, b::isPrimary);
    assertThat(Duration.between(demotedAgain, primaryAt(b)))
        .as("released at once")
        .isLessThan(RoleNode.TTL);
    awaitReplicaOf(a, b);
  }

  @Test
  void firstPrimaryGeneratesTheClusterIdAndEveryJoiningNodeAdoptsIt() throws Exception {
    RoleNode a = node("node-a", true, 1).start();
    Poll.until("a primary", WAIT, a::isPrimary);
    Optional<ClusterId> stored = a.leaser.clusterId();
    assertThat(stored).isPresent();
    assertThat(a.store.clusterId()).contains(stored.get().value());
    RoleNode b = node("node-b", true, 2).start();
    RoleNode n = node("node-n", false, 3).start();
    sample();
    awaitReplicaOf(b, a);
    awaitReplicaOf(n, a);
    assertThat(b.store.clusterId()).contains(stored.get().value());
    assertThat(n.store.clusterId()).contains(stored.get().value());
  }

  @Test
  void nodeWhoseDataBelongsToAnotherClusterRefusesToJoinAndSaysHowToFixIt() throws Exception {
    RoleNode a = node("node-a", true, 1).start();
    Poll.until("a primary", WAIT, a::isPrimary);
    RoleNode stranger = node("node-x", true, 2);
    stranger.store.setClusterId("LFSC1111111111111111");
    sample();
    stranger.start();
    Poll.until("refused", WAIT, () -> stranger.machine.state() instanceof RoleState.Refused);
    String message = ((RoleState.Refused) stranger.machine.state()).message();
    assertThat(message)
        .contains("LFSC1111111111111111")
        .contains(a.store.clusterId().orElseThrow())
        .contains("move its data directory aside")
        .contains("point the lease at this cluster's own key");
    a.machine.close(); // even with the key free the stranger never takes it
    Instant until = Instant.now().plusMillis(800);
    Poll.until("a while", WAIT, () -> Instant.now().isAfter(until));
    assertThat(stranger.machine.state()).isInstanceOf(RoleState.Refused.class);
    assertThat(stranger.streams.follows.get()).isZero();
    assertThat(stranger.store.isPrimary()).isFalse();
    assertThat(stranger.store.clusterId()).contains("LFSC1111111111111111");
  }

  private static void assertReason(CompletableFuture<Void> f, HandoffException.Reason reason) {
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HandoffException.class)
        .satisfies(e -> assertThat(((HandoffException) e).reason()).isEqualTo(reason));
  }
}
