package dev.replicafs.replication.node;

import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.MonotonicClock;
import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.lease.StaticLeaser;
import dev.replicafs.lease.etcd.EtcdConfig;
import dev.replicafs.lease.etcd.EtcdLeaser;
import dev.replicafs.replication.http.NodeClient;
import dev.replicafs.replication.http.NodeServer;
import dev.replicafs.replication.ltx.Pos;
import dev.replicafs.replication.replica.ReplicaOptions;
import dev.replicafs.replication.role.RoleOptions;
import dev.replicafs.replication.role.RoleState;
import dev.replicafs.replication.store.CommitGate;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.DiskFileOps;
import dev.replicafs.replication.store.FileOps;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.store.StoreOptions;
import dev.replicafs.replication.sync.SyncReplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One real cluster node for tests: a store on a data directory, a real leaser (etcd or static), and
 * a {@link ClusterNode} on a loopback port chosen before the leaser (which must know its advertise
 * URL). {@link #close()} closes the node, then the leaser, then the store; the data directory stays
 * so a test can reopen it.
 */
final class ClusterTestNode implements AutoCloseable {
  final String name;
  final long id;
  final Path dir;
  final Store store;
  final Leaser leaser;
  final ClusterNode node;
  final int port;

  private ClusterTestNode(String name, long id, Path dir, Store store, Leaser leaser, int port) {
    this.name = name;
    this.id = id;
    this.dir = dir;
    this.store = store;
    this.leaser = leaser;
    this.port = port;
    ReplicaOptions replica =
        new ReplicaOptions(
            Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(3), Set.of());
    RoleOptions role =
        RoleOptions.defaults(id)
            .withReconnectDelay(Duration.ofMillis(200))
            .withDemoteDelay(Duration.ofMillis(1500))
            .withHandoffTimeout(Duration.ofSeconds(5));
    this.node =
        new ClusterNode(
            store,
            leaser,
            new NodeServer.Options("127.0.0.1", port, id, true, Duration.ofSeconds(1)),
            replica,
            role,
            MonotonicClock.system());
  }

  /** A node leasing through etcd at {@code endpoint} under {@code key} with {@code ttl}. */
  static ClusterTestNode etcd(
      String endpoint, String key, Duration ttl, String name, long id, boolean candidate, Path dir)
      throws IOException {
    return etcd(endpoint, key, ttl, name, id, candidate, dir, null, DiskFileOps.INSTANCE, 0);
  }

  /**
   * {@link #etcd(String, String, Duration, String, long, boolean, Path)} with synchronous
   * replication ({@code gate} is the store's commit gate and the node's, null for none) on {@code
   * disk}, on {@code port} (0: a free one; a reopened node keeps its advertise URL with its port).
   */
  static ClusterTestNode etcd(
      String endpoint,
      String key,
      Duration ttl,
      String name,
      long id,
      boolean candidate,
      Path dir,
      SyncReplication gate,
      FileOps disk,
      int fixedPort)
      throws IOException {
    int port = fixedPort == 0 ? freePort() : fixedPort;
    EtcdConfig config =
        new EtcdConfig(
            List.of(endpoint), key, ttl, Duration.ofSeconds(1), null, null, null, null, null);
    Leaser leaser = new EtcdLeaser(config, info(name, port), candidate, MonotonicClock.system());
    ClusterTestNode n =
        new ClusterTestNode(
            name,
            id,
            dir,
            openStore(dir, id, gate == null ? CommitGate.NONE : gate, disk),
            leaser,
            port);
    if (gate != null) {
      n.node.sync(gate);
    }
    return n;
  }

  /** A node with a static lease: {@code primaryPort} is the primary's (maybe its own) port. */
  static ClusterTestNode fixed(
      String name, long id, int port, String primary, int primaryPort, Path dir)
      throws IOException {
    Leaser leaser =
        new StaticLeaser(info(primary, primaryPort), name.equals(primary), MonotonicClock.system());
    return new ClusterTestNode(name, id, dir, openStore(dir, id), leaser, port);
  }

  static PrimaryInfo info(String name, int port) {
    return new PrimaryInfo(name, "http://127.0.0.1:" + port);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Store openStore(Path dir, long id) throws IOException {
    return openStore(dir, id, CommitGate.NONE, DiskFileOps.INSTANCE);
  }

  private static Store openStore(Path dir, long id, CommitGate gate, FileOps disk)
      throws IOException {
    Files.createDirectories(dir);
    return Store.builder(StoreOptions.defaults(dir).withNodeId(id))
        .commitGate(gate)
        .fileOps(disk)
        .checksumThreads(1)
        .fatalHandler(
            (db, what, cause) -> {
              throw new AssertionError("fatal: db=" + db + " " + what, cause);
            })
        .open();
  }

  ClusterTestNode start() {
    node.start();
    return this;
  }

  boolean isPrimary() {
    return node.isPrimary();
  }

  boolean isReplicaOf(ClusterTestNode primary) {
    return node.state() instanceof RoleState.Replica r
        && r.primary().hostname().equals(primary.name);
  }

  Pos pos(String db) {
    return store.db(db).map(Db::pos).orElse(Pos.ZERO);
  }

  NodeClient client() {
    return new NodeClient(node.url(), 0xC11E47L);
  }

  Optional<Db> db(String name) {
    return store.db(name);
  }

  @Override
  public void close() throws IOException {
    try {
      node.close();
    } finally {
      try {
        leaser.close();
      } finally {
        store.close();
      }
    }
  }
}
