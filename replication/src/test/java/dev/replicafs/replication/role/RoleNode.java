package dev.replicafs.replication.role;

import dev.replicafs.lease.Leaser;
import dev.replicafs.lease.MonotonicClock;
import dev.replicafs.lease.PrimaryInfo;
import dev.replicafs.lease.StaticLeaser;
import dev.replicafs.lease.etcd.EtcdConfig;
import dev.replicafs.lease.etcd.EtcdLeaser;
import dev.replicafs.replication.store.Store;
import dev.replicafs.replication.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One node of a test cluster: a real store on a temporary data directory, a real leaser, a role
 * machine, and the fake replication ports. Records every transition with its instant.
 */
final class RoleNode implements AutoCloseable {

  /** A transition as a listener saw it. */
  record Seen(Instant at, RoleState state) {}

  static final Duration TTL = Duration.ofSeconds(2);

  final String name;
  final long nodeId;
  final Path dataDir;
  final Store store;
  final Leaser leaser;
  final FakeStreams streams;
  final RoleMachine machine;
  private final List<Seen> history = new ArrayList<>();

  private RoleNode(
      String name,
      long nodeId,
      Path dataDir,
      Store store,
      Leaser leaser,
      RoleNetwork network,
      RoleOptions options) {
    this.name = name;
    this.nodeId = nodeId;
    this.dataDir = dataDir;
    this.store = store;
    this.leaser = leaser;
    this.streams = new FakeStreams(network, nodeId);
    this.machine =
        new RoleMachine(
            leaser,
            store,
            options,
            new RolePorts(streams, streams, streams),
            MonotonicClock.system());
    machine.addListener(
        (from, to) -> {
          synchronized (history) {
            history.add(new Seen(MonotonicClock.system().instant(), to));
          }
        });
    network.add(this);
  }

  /** A node whose lease goes to etcd at {@code endpoint} (a proxy's port, to cut it off). */
  static RoleNode etcd(
      RoleNetwork network,
      String endpoint,
      String key,
      String name,
      boolean candidate,
      RoleOptions options,
      Path dataDir)
      throws IOException {
    EtcdConfig config =
        new EtcdConfig(
            List.of(endpoint), key, TTL, Duration.ofSeconds(1), null, null, null, null, null);
    Leaser leaser = new EtcdLeaser(config, info(name), candidate, MonotonicClock.system());
    return new RoleNode(
        name, options.nodeId(), dataDir, openStore(dataDir), leaser, network, options);
  }

  /** A node with a static lease naming {@code primary}. */
  static RoleNode fixed(RoleNetwork network, String name, String primary, long nodeId, Path dataDir)
      throws IOException {
    Leaser leaser = new StaticLeaser(info(primary), name.equals(primary), MonotonicClock.system());
    RoleOptions options = RoleOptions.defaults(nodeId).withReconnectDelay(Duration.ofMillis(200));
    return new RoleNode(name, nodeId, dataDir, openStore(dataDir), leaser, network, options);
  }

  static PrimaryInfo info(String name) {
    return new PrimaryInfo(name, "http://" + name + ":20202");
  }

  private static Store openStore(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    return Store.open(StoreOptions.defaults(dataDir));
  }

  RoleNode start() {
    machine.start();
    return this;
  }

  boolean isPrimary() {
    return machine.state() instanceof RoleState.Primary;
  }

  /** The first recorded instant at which the state matched, if any. */
  Instant firstTime(Predicate<RoleState> matching) {
    synchronized (history) {
      return history.stream()
          .filter(s -> matching.test(s.state()))
          .map(Seen::at)
          .findFirst()
          .orElse(null);
    }
  }

  List<Seen> history() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  @Override
  public void close() throws IOException {
    machine.close();
    leaser.close();
    store.close();
  }
}
