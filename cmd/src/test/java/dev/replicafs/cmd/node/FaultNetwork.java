package dev.replicafs.cmd.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The network between the {@code n} nodes of a test {@link Cluster}, made of {@link FaultLink}s so
 * a test can partition or slow down exactly the links it chooses:
 *
 * <ul>
 *   <li>Node {@code j} advertises {@code http://node<j>:<port j>}. Each node JVM resolves host
 *       names only from its own hosts file ({@code -Djdk.net.hosts.file}), where {@code node<i>}
 *       (itself) is its real address {@code 127.0.0.<i+1>} and every other {@code node<j>} is
 *       {@code 127.1.<i+1>.<j+1>}: the link {@code api(i, j)} listening there on port {@code j}
 *       forwards to node j's API. So every connection node i opens to node j (replication stream,
 *       handoff, halt) crosses {@code api(i, j)}, and only that link, whatever URL the lease names.
 *   <li>Node {@code i} reaches etcd through {@code etcd(i)} on {@code 127.0.0.1}.
 * </ul>
 *
 * The test JVM talks to each node directly ({@code /info}, {@code /metrics}), never through a link.
 * The whole of {@code 127.0.0.0/8} is loopback on Linux, so no setup is needed.
 */
final class FaultNetwork implements AutoCloseable {
  private final int n;
  private final Path dir;
  private final int[] ports;
  private final FaultLink[][] api;
  private final FaultLink[] etcd;

  private FaultNetwork(Path dir, int n) {
    this.n = n;
    this.dir = dir;
    this.ports = new int[n];
    this.api = new FaultLink[n][n];
    this.etcd = new FaultLink[n];
  }

  /** Allocates the nodes' API ports and starts every link (all open). */
  static FaultNetwork start(Path dir, int n, int etcdPort) throws IOException {
    FaultNetwork net = new FaultNetwork(dir, n);
    try {
      Files.createDirectories(dir);
      for (int i = 0; i < n; i++) {
        net.ports[i] = MountProcess.freePort();
      }
      InetSocketAddress etcdAt = new InetSocketAddress("127.0.0.1", etcdPort);
      for (int i = 0; i < n; i++) {
        net.etcd[i] =
            FaultLink.start(
                "etcd-node" + i,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                etcdAt);
        for (int j = 0; j < n; j++) {
          if (i != j) {
            net.api[i][j] =
                FaultLink.start(
                    "node" + i + "-node" + j,
                    new InetSocketAddress(net.viaAddress(i, j), net.ports[j]),
                    new InetSocketAddress(realAddress(j), net.ports[j]));
          }
        }
        Files.writeString(net.hostsFile(i), net.hosts(i));
      }
      return net;
    } catch (IOException | RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /** Node {@code i}'s API port. */
  int apiPort(int i) {
    return ports[i];
  }

  /** The host name node {@code i} advertises. */
  static String hostName(int i) {
    return "node" + i;
  }

  /** The JVM options that make node {@code i} resolve host names through its hosts file. */
  List<String> jvmArgs(int i) {
    return List.of("-Djdk.net.hosts.file=" + hostsFile(i));
  }

  /** Node {@code i}'s etcd endpoint (through {@link #etcd(int)}). */
  String etcdEndpoint(int i) {
    return "http://127.0.0.1:" + etcd[i].port();
  }

  /** The link node {@code from} uses to reach node {@code to}'s API. */
  FaultLink api(int from, int to) {
    return api[from][to];
  }

  /** The link node {@code i} uses to reach etcd. */
  FaultLink etcd(int i) {
    return etcd[i];
  }

  /** Cuts node {@code i} off: its etcd link and its API links both ways. */
  void isolate(int i) throws InterruptedException {
    etcd[i].cut();
    for (int j = 0; j < n; j++) {
      if (j != i) {
        api[i][j].cut();
        api[j][i].cut();
      }
    }
  }

  /** Cuts the API links between nodes {@code a} and {@code b}, both ways. */
  void cut(int a, int b) throws InterruptedException {
    api[a][b].cut();
    api[b][a].cut();
  }

  /** Slows the API links between {@code a} and {@code b}, both ways, by min..max ms per chunk. */
  void slow(int a, int b, int minMs, int maxMs) throws IOException {
    api[a][b].delay(minMs, maxMs);
    api[b][a].delay(minMs, maxMs);
  }

  /** Every link back to open. */
  void healAll() throws IOException {
    for (int i = 0; i < n; i++) {
      etcd[i].heal();
      for (int j = 0; j < n; j++) {
        if (i != j) {
          api[i][j].heal();
        }
      }
    }
  }

  /** The links that are not open, e.g. {@code [node0-node2=CUT, etcd-node0=CUT]}. */
  String faults() {
    List<FaultLink> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(etcd[i]);
      for (int j = 0; j < n; j++) {
        if (i != j) {
          all.add(api[i][j]);
        }
      }
    }
    return all.stream()
        .filter(l -> l.state() != FaultLink.State.OPEN)
        .map(FaultLink::toString)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private Path hostsFile(int i) {
    return dir.resolve("node" + i + ".hosts");
  }

  private String hosts(int i) {
    StringBuilder b = new StringBuilder("127.0.0.1 localhost\n");
    for (int j = 0; j < n; j++) {
      String address = j == i ? realAddress(j) : viaAddress(i, j);
      b.append(address).append(' ').append(hostName(j)).append('\n');
    }
    return b.toString();
  }

  /** Node {@code j}'s own address, as {@link ClusterNode.Spec#host()}. */
  private static String realAddress(int j) {
    return "127.0.0." + (j + 1);
  }

  /** Where node {@code i} finds node {@code j}: the listening side of {@code api(i, j)}. */
  private static String viaAddress(int i, int j) {
    return "127.1." + (i + 1) + "." + (j + 1);
  }

  @Override
  public void close() {
    for (int i = 0; i < n; i++) {
      if (etcd[i] != null) {
        etcd[i].close();
      }
      for (int j = 0; j < n; j++) {
        if (api[i][j] != null) {
          api[i][j].close();
        }
      }
    }
  }
}
