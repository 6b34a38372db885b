package dev.replicafs.replication.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicafs.lease.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a static lease the roles are fixed by configuration: no failover, handoff or promotion. */
class RoleMachineStaticTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;

  @Test
  void configuredPrimaryAcceptsWritesAndEveryOtherNodeFollowsItForGood() throws Exception {
    RoleNetwork network = new RoleNetwork();
    try (RoleNode a = RoleNode.fixed(network, "node-a", "node-a", 1, tmp.resolve("a"));
        RoleNode b = RoleNode.fixed(network, "node-b", "node-a", 2, tmp.resolve("b"));
        RoleNode c = RoleNode.fixed(network, "node-c", "node-a", 3, tmp.resolve("c"))) {
      try (WriterSampler sampler = new WriterSampler(List.of(a, b, c))) {
        a.start();
        b.start();
        c.start();
        Poll.until("a primary", WAIT, () -> a.isPrimary() && a.store.isPrimary());
        for (RoleNode replica : List.of(b, c)) {
          Poll.until(
              replica.name + " follows a",
              WAIT,
              () ->
                  replica.streams.following.map(p -> p.hostname().equals("node-a")).orElse(false));
          assertThat(replica.machine.state())
              .isEqualTo(new RoleState.Replica(RoleNode.info("node-a")));
          assertThat(replica.store.isPrimary()).isFalse();
        }
        assertThat(a.store.clusterId()).as("the primary names its cluster").isPresent();
        assertThat(a.machine.primary()).contains(RoleNode.info("node-a"));
        assertThat(b.machine.primary()).contains(RoleNode.info("node-a"));

        assertReason(a.machine.handoff(2), HandoffException.Reason.NOT_SUPPORTED);
        assertReason(b.machine.promote(), HandoffException.Reason.NOT_CANDIDATE);
        assertThat(a.isPrimary()).isTrue();
        assertThat(a.store.isPrimary()).as("a refused handoff leaves writes on").isTrue();

        a.machine.close();
        assertThat(a.store.isPrimary()).isFalse();
        Instant until = Instant.now().plusMillis(600);
        Poll.until("a while", WAIT, () -> Instant.now().isAfter(until));
        assertThat(b.machine.state()).isInstanceOf(RoleState.Replica.class);
        assertThat(c.machine.state()).isInstanceOf(RoleState.Replica.class);
        // the sampler ran during the test; how often depends on the machine's load, not on the code
        assertThat(sampler.samples()).as("writer samples taken").isPositive();
        assertThat(sampler.twoWriters()).isZero();
        assertThat(sampler.twoPrimaries()).isZero();
      }
    }
  }

  @Test
  void closingIsIdempotentAndStopsEveryRole() throws Exception {
    RoleNetwork network = new RoleNetwork();
    try (RoleNode a = RoleNode.fixed(network, "node-a", "node-a", 1, tmp.resolve("a"));
        RoleNode b = RoleNode.fixed(network, "node-b", "node-a", 2, tmp.resolve("b"))) {
      a.start();
      b.start();
      Poll.until("a primary", WAIT, a::isPrimary);
      Poll.until("b replica", WAIT, () -> b.streams.following.isPresent());
      b.machine.close();
      b.machine.close();
      a.machine.close();
      assertThat(a.machine.state()).isInstanceOf(RoleState.Closed.class);
      assertThat(b.machine.state()).isInstanceOf(RoleState.Closed.class);
      assertThat(a.streams.serving).isFalse();
      assertThat(b.streams.following).isEmpty();
      assertReason(a.machine.handoff(2), HandoffException.Reason.CLOSED);
      Poll.until(
          "no role thread left",
          WAIT,
          () ->
              Thread.getAllStackTraces().keySet().stream()
                  .noneMatch(t -> t.getName().startsWith("replicafs-role") && t.isAlive()));
    }
  }

  private static void assertReason(CompletableFuture<Void> f, HandoffException.Reason reason) {
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HandoffException.class)
        .satisfies(e -> assertThat(((HandoffException) e).reason()).isEqualTo(reason));
  }
}
