package dev.replicafs.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The nodes one etcd cluster test opened: {@link #closeAll} closes them after the test and fails it
 * if the {@link #sample sampler} ever saw two of them PRIMARY at once.
 */
final class ClusterNodes {
  private final List<ClusterTestNode> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger twoPrimaries = new AtomicInteger();
  private final AtomicBoolean sampling = new AtomicBoolean(true);
  private Thread sampler;

  /** Tracks {@code n} (closed by {@link #closeAll}); returns it. */
  ClusterTestNode add(ClusterTestNode n) {
    open.add(n);
    return n;
  }

  /** Closes {@code n} (and forgets it) so a test can reopen its data directory. */
  void shut(ClusterTestNode n) throws Exception {
    open.remove(n);
    n.close();
  }

  /** Starts counting, every 0.5 ms, the instants at which two tracked nodes are PRIMARY. */
  void sample() {
    sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                if (List.copyOf(open).stream().filter(ClusterTestNode::isPrimary).count() > 1) {
                  twoPrimaries.incrementAndGet();
                }
                java.util.concurrent.locks.LockSupport.parkNanos(500_000);
              }
            },
            "test-primary-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Stops the sampler, closes every tracked node, and requires that no sample saw two PRIMARY. */
  void closeAll() throws Exception {
    sampling.set(false);
    if (sampler != null) {
      sampler.join(5_000);
    }
    for (ClusterTestNode n : open) {
      n.close();
    }
    assertThat(twoPrimaries.get()).as("samples with two PRIMARY nodes").isZero();
  }

  /** Waits until exactly one of {@code among} is PRIMARY and returns it. */
  static ClusterTestNode awaitOnePrimary(List<ClusterTestNode> among, Duration wait)
      throws InterruptedException {
    Await.until(
        "one primary among " + among.size(),
        wait,
        () -> among.stream().filter(ClusterTestNode::isPrimary).count() == 1);
    return among.stream().filter(ClusterTestNode::isPrimary).findFirst().orElseThrow();
  }

  /** Waits until every one of {@code rs} has {@code db} at the primary's position. */
  static void awaitConverged(
      ClusterTestNode primary, String db, Duration wait, ClusterTestNode... rs)
      throws InterruptedException {
    for (ClusterTestNode r : rs) {
      Await.until(
          r.name + " has " + db + " at " + primary.pos(db),
          wait,
          () -> r.pos(db).equals(primary.pos(db)));
    }
  }
}
