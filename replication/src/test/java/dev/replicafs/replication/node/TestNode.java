package dev.replicafs.replication.node;

import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.replication.http.NodeSecurity;
import dev.replicafs.replication.http.NodeServer;
import dev.replicafs.replication.replica.ReplicaOptions;
import dev.replicafs.replication.store.CommitGate;
import dev.replicafs.replication.store.Db;
import dev.replicafs.replication.store.DiskFileOps;
import dev.replicafs.replication.store.FileOps;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** A real node for tests: a store on a temp data directory and its node API on loopback. */
final class TestNode implements AutoCloseable {
  final Path dir;
  final long id;
  final Store store;
  final ReplicationNode node;

  private TestNode(Path dir, long id, Store store, ReplicationNode node) {
    this.dir = dir;
    this.id = id;
    this.store = store;
    this.node = node;
  }

  static TestNode open(Path dir, long id, Duration retention, Set<String> databases)
      throws IOException {
    return open(
        dir, id, retention, databases, CommitGate.NONE, DiskFileOps.INSTANCE, NodeSecurity.NONE);
  }

  /**
   * A node whose store has {@code gate} as commit gate and does its file I/O through {@code ops}.
   */
  static TestNode open(Path dir, long id, CommitGate gate, FileOps ops) throws IOException {
    return open(dir, id, Duration.ofMinutes(10), Set.of(), gate, ops, NodeSecurity.NONE);
  }

  /** A node whose API and client use {@code security} (token, TLS). */
  static TestNode open(Path dir, long id, NodeSecurity security) throws IOException {
    return open(
        dir, id, Duration.ofMinutes(10), Set.of(), CommitGate.NONE, DiskFileOps.INSTANCE, security);
  }

  private static TestNode open(
      Path dir,
      long id,
      Duration retention,
      Set<String> databases,
      CommitGate gate,
      FileOps ops,
      NodeSecurity security)
      throws IOException {
    Store store =
        Store.builder(StoreOptions.defaults(dir).withNodeId(id).withRetention(retention, 0))
            .commitGate(gate)
            .fileOps(ops)
            .checksumThreads(1)
            .fatalHandler(
                (db, what, cause) -> {
                  throw new AssertionError("fatal: db=" + db + " " + what, cause);
                })
            .open();
    ReplicaOptions ro =
        ReplicaOptions.defaults()
            .withReconnectDelay(Duration.ofMillis(50))
            .withDatabases(databases);
    ro =
        new ReplicaOptions(
            ro.reconnectDelay(), Duration.ofMillis(400), Duration.ofSeconds(3), databases);
    ReplicationNode node =
        new ReplicationNode(
            store,
            NodeServer.Options.loopback(id).withSecurity(security),
            ro,
            "node-" + id,
            java.util.Optional.empty(),
            Clock.systemUTC());
    return new TestNode(dir, id, store, node);
  }

  static TestNode open(Path dir, long id) throws IOException {
    return open(dir, id, Duration.ofMinutes(10), Set.of());
  }

  /** This node's info as a primary, with its real URL. */
  PrimaryInfo info() {
    return node.self();
  }

  Db db(String name) {
    return store.db(name).orElseThrow(() -> new AssertionError("no db " + name + " on node " + id));
  }

  @Override
  public void close() throws IOException {
    node.close();
    store.close();
  }
}
