package dev.replicafs.cmd.node;

import static org.assertj.core.api.Assertions.fail;

import dev.replicafs.replication.ltx.Pos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * N real {@code replicafs mount} processes on loopback, each with a generated replicafs.yml under
 * {@code root/node<i>} and a free API port; node 0 is the seed (the primary with {@link
 * LeaseSection#staticSeedPrimary()}). Closing stops every node and removes every mount, whatever
 * state the nodes are in.
 */
final class Cluster implements AutoCloseable {
  static final Duration CONVERGE = Duration.ofSeconds(60);

  private final Path root;
  private final LeaseSection lease;
  private final String extra;
  private final FaultNetwork network;
  private final List<ClusterNode> nodes = new ArrayList<>();

  private Cluster(Path root, LeaseSection lease, String extra, FaultNetwork network) {
    this.root = root;
    this.lease = lease;
    this.extra = extra;
    this.network = network;
  }

  /** Starts {@code n} nodes at once and waits until each is mounted. */
  static Cluster start(Path root, int n, LeaseSection lease, String extra) throws Exception {
    return start(root, n, lease, extra, null);
  }

  /**
   * {@link #start(Path, int, LeaseSection, String)} with the nodes talking to each other through
   * {@code network} (null: directly), which must have been started for at least {@code n} nodes;
   * the lease section should take its etcd endpoints from the network too.
   */
  static Cluster start(Path root, int n, LeaseSection lease, String extra, FaultNetwork network)
      throws Exception {
    Cluster c = new Cluster(root, lease, extra, network);
    try {
      for (int i = 0; i < n; i++) {
        c.add();
      }
      for (ClusterNode node : c.nodes) {
        node.awaitMounted();
      }
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  /** Adds a node with a fresh data dir and starts it (not yet waiting for its mount). */
  ClusterNode add() throws Exception {
    int index = nodes.size();
    Path dir = root.resolve("node" + index);
    ClusterNode.Spec spec =
        network == null
            ? new ClusterNode.Spec(index, dir, MountProcess.freePort())
            : new ClusterNode.Spec(
                index, dir, network.apiPort(index), FaultNetwork.hostName(index));
    ClusterNode.Spec seed = index == 0 ? spec : nodes.get(0).spec;
    ClusterNode node =
        new ClusterNode(
            spec,
            ClusterNode.config(spec, lease, seed, extra),
            network == null ? List.of() : network.jvmArgs(index));
    nodes.add(node);
    return node.start();
  }

  ClusterNode node(int i) {
    return nodes.get(i);
  }

  /** Node 0. */
  ClusterNode primary() {
    return nodes.get(0);
  }

  /** Every node but node 0. */
  List<ClusterNode> replicas() {
    return nodes.subList(1, nodes.size());
  }

  List<ClusterNode> nodes() {
    return List.copyOf(nodes);
  }

  /**
   * Waits until every node in {@code among} reports the primary's position of {@code db} in its
   * {@code -pos} file, and the primary's does not change in between; returns that position.
   */
  Pos awaitConverged(String db, List<ClusterNode> among) throws Exception {
    return awaitConverged(db, primary(), among);
  }

  /** {@link #awaitConverged(String, List)} against {@code primary} instead of node 0. */
  Pos awaitConverged(String db, ClusterNode primary, List<ClusterNode> among) throws Exception {
    Instant deadline = Instant.now().plus(CONVERGE);
    StringBuilder last = new StringBuilder();
    while (Instant.now().isBefore(deadline)) {
      Optional<Pos> want = primary.pos(db);
      last.setLength(0);
      boolean same = want.isPresent();
      for (ClusterNode n : among) {
        Optional<Pos> got = n.pos(db);
        last.append(n.spec.name()).append('=').append(got.map(Pos::format).orElse("-")).append(' ');
        same &= got.equals(want);
      }
      if (same && primary.pos(db).equals(want)) {
        return want.orElseThrow();
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return fail(
        db + " did not converge in " + CONVERGE + ": primary=" + primary.pos(db) + " " + last);
  }

  /** {@link #awaitConverged(String, List)} over every node. */
  Pos awaitConverged(String db) throws Exception {
    return awaitConverged(db, nodes);
  }

  /**
   * Stops every node, removes every mount and copies each node's log to {@code
   * target/cluster-logs/<root>/node<i>.log} (the temp root is deleted after the test).
   */
  @Override
  public void close() throws Exception {
    Exception first = null;
    Path logs = Path.of("target", "cluster-logs", root.getFileName().toString());
    for (int i = nodes.size() - 1; i >= 0; i--) {
      try {
        nodes.get(i).close();
        Files.createDirectories(logs);
        Path log = nodes.get(i).spec.dir().resolve("log");
        if (Files.exists(log)) {
          Files.copy(log, logs.resolve("node" + i + ".log"), StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
